using ScalePlanner.Simulator.Layouts;

namespace ScalePlanner.Executor.Distributed;

/// <summary>How a rank builds each of its model chunks: its tensor group (one rank: no split), how its blocks attend over the tokens it holds, and recomputation.</summary>
public sealed record ChunkSettings(TensorGroup TensorGroup, SequenceAttention Attention, RecomputeMode Recompute);
