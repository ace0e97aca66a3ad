using ScalePlanner.Simulator.Costs;

namespace ScalePlanner.Simulator.Simulation;

/// <summary>
/// What one micro-batch costs on one device for a given tensor/context split, micro-batch size, sequence parallelism,
/// recomputation and precision: the expensive, kernel-by-kernel part of a prediction, shared by every layout with that shape.
/// </summary>
/// <param name="KeptBlock">A block that keeps its activations: the same as <paramref name="Block"/> unless only some layers recompute.</param>
/// <param name="RecomputedLayers">Layers per stage that run as <paramref name="Block"/> (the rest as <paramref name="KeptBlock"/>); 0 is all.</param>
public readonly record struct MicroBatchCosts(
    PassCost Block, PassCost Embedding, PassCost Head,
    double ActivationBytesPerBlock, double RecomputeWorkingBytes, double LogitsBytes,
    KernelTimer Timer, CommSplit BlockComm, CommSplit EmbeddingComm, CommSplit HeadComm,
    PassCost KeptBlock, double KeptActivationBytesPerBlock, int RecomputedLayers = 0)
{
    /// <summary>Cost of <paramref name="layers"/> blocks of a stage holding <paramref name="stageLayers"/>: its recomputing share at the recomputing cost.</summary>
    public PassCost Blocks(double layers, double stageLayers) =>
        RecomputedLayers == 0 ? layers * Block : Recomputing(layers, stageLayers) * Block + (layers - Recomputing(layers, stageLayers)) * KeptBlock;

    /// <summary>Activation bytes of <paramref name="layers"/> blocks of a stage holding <paramref name="stageLayers"/>.</summary>
    public double ActivationBytes(double layers, double stageLayers) =>
        RecomputedLayers == 0 ? layers * ActivationBytesPerBlock
        : Recomputing(layers, stageLayers) * ActivationBytesPerBlock + (layers - Recomputing(layers, stageLayers)) * KeptActivationBytesPerBlock;

    private double Recomputing(double layers, double stageLayers) => Math.Min(RecomputedLayers, stageLayers) * layers / stageLayers;
}
