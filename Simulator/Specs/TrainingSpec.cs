namespace ScalePlanner.Simulator.Specs;

/// <summary>What is trained and how: batch (sequences per optimizer step), total tokens, software stack, attention kernel, input pipeline.</summary>
public sealed record TrainingSpec
{
    public int GlobalBatchSize { get; init; }
    public double Tokens { get; init; }
    /// <summary>The software stack that runs the step (Megatron-LM by default).</summary>
    public Framework Framework { get; init; } = Framework.Megatron;
    /// <summary>The attention kernel; FlashAttention-2 by default.</summary>
    public AttentionKernel AttentionKernel { get; init; } = AttentionKernel.Flash2;
    /// <summary>
    /// Fused attention that never writes the s×s score matrix (Dao et al. 2022); false for the 2021 Megatron kernels. The older
    /// spelling of <see cref="AttentionKernel"/>: true is FlashAttention-2, false the unfused kernels.
    /// </summary>
    public bool FlashAttention
    {
        get => AttentionKernel != AttentionKernel.Unfused;
        init => AttentionKernel = value ? AttentionKernel.Flash2 : AttentionKernel.Unfused;
    }
    /// <summary>The memory-bound kernels the stack runs; null is the stack's own (Megatron fused, FSDP and DeepSpeed eager).</summary>
    public KernelSet? Kernels { get; init; }

    /// <summary>The kernels in effect: <see cref="Kernels"/>, or the stack's default.</summary>
    public KernelSet KernelsInEffect => Kernels ?? (Framework == Framework.Megatron ? KernelSet.Fused : KernelSet.Eager);
    /// <summary>
    /// Weight-gradient GEMMs accumulate straight into the fp32 gradient buffer (Megatron-LM gradient_accumulation_fusion, 2022);
    /// false for the 2021 kernels, where every micro-batch adds each half-precision gradient into that buffer in a separate pass.
    /// </summary>
    public bool FusedGradientAccumulation { get; init; } = true;
    /// <summary>How an MoE layer moves tokens to their experts (Megatron-Core --moe-token-dispatcher-type): all-to-all by default.</summary>
    public MoeDispatcher MoeDispatcher { get; init; } = MoeDispatcher.AllToAll;
    /// <summary>
    /// Token dispatch and combine overlap another micro-batch's computation (Megatron-Core --overlap-moe-expert-parallel-comm,
    /// DeepSeek-V3's DualPipe, §3.2.1): only what the block's own compute cannot hide is exposed.
    /// </summary>
    public bool MoeOverlap { get; init; }
    /// <summary>Tokens per second one device's input pipeline delivers; null when loading is never the bottleneck.</summary>
    public double? LoaderTokensPerSecondPerDevice { get; init; }

    public TrainingSpec Validated()
    {
        Guard.Positive("training.globalBatchSize", GlobalBatchSize);
        Guard.Positive("training.tokens", Tokens);
        if (LoaderTokensPerSecondPerDevice is { } rate) Guard.Positive("training.loaderTokensPerSecondPerDevice", rate);
        return this;
    }
}
