import Testing
import Trainer
@Test func placeholder() { #expect(TrainerInfo.version == "0.1.0") }
