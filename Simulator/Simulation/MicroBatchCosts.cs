using ScalePlanner.Simulator.Costs;

namespace ScalePlanner.Simulator.Simulation;

/// <summary>
/// What one micro-batch costs on one device for a given tensor/context split, micro-batch size, sequence parallelism,
/// recomputation and precision: the expensive, kernel-by-kernel part of a prediction, shared by every layout with that shape.
/// </summary>
public readonly record struct MicroBatchCosts(
    PassCost Block, PassCost Embedding, PassCost Head,
    double ActivationBytesPerBlock, double RecomputeWorkingBytes, double LogitsBytes,
    KernelTimer Timer, CommSplit BlockComm, CommSplit EmbeddingComm, CommSplit HeadComm);
