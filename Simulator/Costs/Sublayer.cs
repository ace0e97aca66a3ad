namespace ScalePlanner.Simulator.Costs;

/// <summary>
/// One half of a transformer block on one device for one micro-batch: the attention, or the feed-forward part (a dense MLP or
/// a mixture of experts), with its norm and residual. <see cref="TransformerCosts"/> adds the two halves into a block. Passes
/// the block streams as one kernel over both halves (bias gradients, fp8 casts) are kept as bytes and elements here.
/// </summary>
/// <param name="GemmForward">Forward GEMM time.</param>
/// <param name="GemmBackward">Backward GEMM time (input and weight gradients).</param>
/// <param name="MemoryForward">Forward memory-bound kernels (norm, residual, activation, rotary, routing, permutation).</param>
/// <param name="MemoryBackward">Their backward.</param>
/// <param name="Flops">Forward GEMM FLOPs on this device.</param>
/// <param name="BiasGradientBytes">Bytes read to sum this half's bias gradients over the tokens.</param>
/// <param name="CastInputs">Elements of this half's GEMM inputs that fp8 casts (forward).</param>
/// <param name="CastOutputGradients">Elements of this half's GEMM output gradients that fp8 casts (backward).</param>
/// <param name="OpsRecomputeGemms">Forward time of the GEMMs torchtitan's per-operator checkpointing runs again.</param>
/// <param name="OpsRecomputeFlops">Their FLOPs.</param>
/// <param name="TensorExchanges">Tensor-parallel exchanges of the hidden activation each way (an all-reduce, or all-gather + reduce-scatter).</param>
/// <param name="ExpertForward">Expert-parallel communication (token dispatch and combine) in the forward.</param>
/// <param name="ExpertBackward">The same in the backward.</param>
/// <param name="HostOperators">Framework operators the host issues for this half, forward (the backward's are as many).</param>
public readonly record struct Sublayer(
    double GemmForward, double GemmBackward, double MemoryForward, double MemoryBackward, double Flops,
    double BiasGradientBytes, double CastInputs, double CastOutputGradients,
    double OpsRecomputeGemms, double OpsRecomputeFlops, double TensorExchanges,
    double ExpertForward, double ExpertBackward, double HostOperators);
