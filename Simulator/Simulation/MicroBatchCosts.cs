using ScalePlanner.Simulator.Costs;
using ScalePlanner.Simulator.Layouts;

namespace ScalePlanner.Simulator.Simulation;

/// <summary>One kind of block (dense, or MoE) per micro-batch: its cost and where its communication falls, and its activations; the same when it keeps them.</summary>
/// <param name="Kept">The block when it keeps its activations: the same as <paramref name="Cost"/> unless only some layers recompute.</param>
public readonly record struct BlockCosts(PassCost Cost, CommSplit Comm, double ActivationBytes, PassCost Kept, double KeptActivationBytes);

/// <summary>
/// What one micro-batch costs on one device for a given tensor/context/expert split, micro-batch size, sequence parallelism,
/// recomputation and precision: the expensive, kernel-by-kernel part of a prediction, shared by every layout with that shape.
/// </summary>
/// <param name="Moe">The MoE block (default for a dense model).</param>
/// <param name="RecomputedLayers">Layers per stage that recompute (the rest keep their activations); 0 is all.</param>
public readonly record struct MicroBatchCosts(
    BlockCosts Dense, BlockCosts Moe, PassCost Embedding, PassCost Head,
    double RecomputeWorkingBytes, double LogitsBytes, KernelTimer Timer, CommSplit EmbeddingComm, CommSplit HeadComm, int RecomputedLayers = 0)
{
    /// <summary>The dense block (the only kind of a dense model).</summary>
    public PassCost Block => Dense.Cost;

    /// <summary>Cost of <paramref name="layers"/> blocks of a stage holding <paramref name="stageLayers"/>: its recomputing share at the recomputing cost.</summary>
    public PassCost Blocks(StageLayers layers, double stageLayers)
    {
        if (RecomputedLayers == 0) return layers.Dense * Dense.Cost + layers.Moe * Moe.Cost;
        double share = RecomputingShare(stageLayers);
        return share * (layers.Dense * Dense.Cost + layers.Moe * Moe.Cost) + (1 - share) * (layers.Dense * Dense.Kept + layers.Moe * Moe.Kept);
    }

    /// <summary>Where the communication of <paramref name="layers"/> blocks falls.</summary>
    public CommSplit BlockComm(StageLayers layers) => layers.Dense * Dense.Comm + layers.Moe * Moe.Comm;

    /// <summary>Activation bytes of <paramref name="layers"/> blocks of a stage holding <paramref name="stageLayers"/>.</summary>
    public double ActivationBytes(StageLayers layers, double stageLayers)
    {
        double recomputing = layers.Dense * Dense.ActivationBytes + layers.Moe * Moe.ActivationBytes;
        if (RecomputedLayers == 0) return recomputing;
        double share = RecomputingShare(stageLayers);
        return share * recomputing + (1 - share) * (layers.Dense * Dense.KeptActivationBytes + layers.Moe * Moe.KeptActivationBytes);
    }

    private double RecomputingShare(double stageLayers) => Math.Min(RecomputedLayers, stageLayers) / stageLayers;
}
