import CBLAS
import CKernels

/// Thin wrappers over OpenBLAS for the matrix products the layers need.
///
/// All matrices are row-major and contiguous. OpenBLAS results are bit-identical run to
/// run only at a fixed thread count (FACTS.md), so the count is part of a run's environment.
public enum BLAS {
    /// Sets the number of OpenBLAS threads (PyTorch's `torch.set_num_threads` equivalent).
    public static func setThreads(_ count: Int) {
        openblas_set_num_threads(Int32(Swift.max(1, count)))
        tracker_kernels_set_threads(Int32(Swift.max(1, count)))  // the C element-wise kernels follow
    }

    /// The number of OpenBLAS threads in use.
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// OpenBLAS's configuration string (version, core), for a run's environment.
    public static var configuration: String {
        guard let c = openblas_get_config() else { return "OpenBLAS" }
        return String(cString: c)
    }

    /// `c = alpha · op(a) · op(b) + beta · c` for 2-D tensors.
    ///
    /// Shapes: `op(a)` is [m, k], `op(b)` is [k, n], `c` is [m, n]; `op` transposes when asked.
    public static func gemm(
        _ a: Tensor, transposeA: Bool = false, _ b: Tensor, transposeB: Bool = false,
        into c: Tensor, alpha: Float = 1, beta: Float = 0
    ) {
        let m = transposeA ? a.columns : a.rows
        let k = transposeA ? a.rows : a.columns
        let kb = transposeB ? b.columns : b.rows
        let n = transposeB ? b.rows : b.columns
        precondition(k == kb && c.rows == m && c.columns == n,
                     "gemm: \(a.shape)\(transposeA ? "ᵀ" : "") · \(b.shape)\(transposeB ? "ᵀ" : "") into \(c.shape)")
        guard m > 0, n > 0 else { return }
        if k == 0 {
            if beta == 0 { c.fill(0) } else if beta != 1 { scale(c.data, count: c.count, by: beta) }
            return
        }
        cblas_sgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), alpha,
            a.data, Int32(a.columns), b.data, Int32(b.columns), beta, c.data, Int32(c.columns))
    }

    /// Column sums of a [rows, columns] matrix into `result` (`columns` elements):
    /// `result = alpha · aᵀ · 1 + beta · result`, through `sgemv` against a ones vector.
    public static func columnSums(
        _ a: Tensor, ones: UnsafePointer<Float>, into result: UnsafeMutablePointer<Float>,
        alpha: Float = 1, beta: Float = 0
    ) {
        guard a.rows > 0, a.columns > 0 else {
            if beta == 0 { result.update(repeating: 0, count: a.columns) }
            return
        }
        cblas_sgemv(CblasRowMajor, CblasTrans, Int32(a.rows), Int32(a.columns), alpha,
                    a.data, Int32(a.columns), ones, 1, beta, result, 1)
    }

    @inline(__always)
    static func scale(_ x: UnsafeMutablePointer<Float>, count: Int, by factor: Float) {
        for i in 0..<count { x[i] *= factor }
    }
}

/// A ones vector that grows on demand, for column sums through `sgemv`.
final class OnesVector {
    private var storage = Tensor(shape: [0], repeating: 1)

    /// A pointer to at least `count` ones.
    func pointer(count: Int) -> UnsafePointer<Float> {
        if storage.count < count { storage = Tensor(shape: [count], repeating: 1) }
        return UnsafePointer(storage.data)
    }
}
