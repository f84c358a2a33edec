/// The Trainer: tensors, layers, losses, optimizers, data and the training loop.
public enum TrainerInfo {
    public static let version = "0.1.0"
}
