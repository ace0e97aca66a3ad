using ScalePlanner.Simulator.Layouts;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// How a rank builds each of its model chunks: its tensor group (one rank: no split), how its blocks attend over the tokens it
/// holds, recomputation, and with expert parallelism the exchange that carries tokens to the ep ranks holding their experts.
/// </summary>
public sealed record ChunkSettings(TensorGroup TensorGroup, SequenceAttention Attention, RecomputeMode Recompute)
{
    /// <summary>Dispatch and combine over this rank's expert group; null: every expert of an MoE layer on this rank.</summary>
    public ExpertExchange? Experts { get; init; }
}
