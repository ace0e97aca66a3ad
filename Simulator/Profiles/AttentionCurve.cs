using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Profiles;

/// <summary>
/// Throughput of a fused attention kernel as a fraction of the device's dense half-precision peak, by sequence length, for one
/// head dimension, forward and backward separately (the FLOPs counted as the FlashAttention papers count them: 4·s²·d per head
/// forward, halved under a causal mask, and 2.5 times that backward).
/// </summary>
public sealed record AttentionCurve(AttentionKernel Kernel, int HeadDim, EfficiencyCurve ForwardBySequence, EfficiencyCurve BackwardBySequence);
