import Foundation
import Tracker

extension ExperimentRunner {
    /// Records every planned run as `queued` (`tracker sweep submit`): nothing is trained
    /// here. Each run keeps its config, seed and params; its environment is the submitter's
    /// until an agent starts it. Returns the ids in plan order.
    public func submit(_ plan: [PlannedRun]) throws -> [String] {
        let origin: RunOrigin = plan.count > 1 ? .sweep : .new
        return try store.queueRuns(plan.map { planned in
            let c = planned.config
            let env = RunEnvironment.current(threads: c.threads, datasetFingerprint: planned.data.fingerprint, seed: c.seed)
            return RunStart(experiment: c.experiment, name: planned.name, config: planned.json, seed: c.seed, environment: env.json, origin: origin)
        })
    }

    /// What an agent did with one claim.
    public struct AgentStep: Sendable {
        public var claim: RunClaim
        /// The run's status when this agent stopped working on it.
        public var status: RunStatus
        /// Why it was not trained to the end here (an error, a lost lease), when it was not.
        public var problem: String?
    }

    /// Claims the next queued run, or a queued run whose agent died, for this process
    /// (`TrainingStore.claimNextRun`: atomic, one process a run); nil when none is left.
    public func claimNext(experiment: String? = nil) throws -> RunClaim? {
        try store.claimNextRun(experiment: experiment)
    }

    /// Trains a claimed run: a fresh one from step 0 under its queued id, one whose agent
    /// died resumed from its last checkpoint (`resume`: bit-identical to a run never
    /// stopped). A run that fails is recorded `failed` and reported, not thrown, so an agent
    /// goes on with the next one; a lost lease means another process has the run now.
    public func train(claimed claim: RunClaim) -> AgentStep {
        do {
            let outcome = claim.resumes ? try resume(claim.run.id) : try startClaimed(claim)
            return AgentStep(claim: claim, status: outcome.status, problem: nil)
        } catch let e as RunLeaseError {
            return AgentStep(claim: claim, status: currentStatus(claim), problem: e.localizedDescription)
        } catch {
            try? store.abandonClaim(claim.run.id, reason: error.localizedDescription)
            return AgentStep(claim: claim, status: currentStatus(claim), problem: error.localizedDescription)
        }
    }

    private func currentStatus(_ claim: RunClaim) -> RunStatus {
        (try? store.lookUpRun(claim.run.id, includeDeleted: true).info.status) ?? .failed
    }

    private func startClaimed(_ claim: RunClaim) throws -> Outcome {
        let planned = try plannedRun(from: claim.run)
        let c = planned.config
        let state = try TrainingState(planned: planned)
        let env = RunEnvironment.current(threads: c.threads, datasetFingerprint: planned.data.fingerprint, seed: c.seed)
        let recorder = try store.beginClaimedRun(claim.run.id, environment: env.json, batchSize: RecordBatch.defaultLimit)
        return try drive(planned, state: state, recorder: recorder, resumedAt: nil)
    }
}
