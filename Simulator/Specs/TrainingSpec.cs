namespace ScalePlanner.Simulator.Specs;

/// <summary>What is trained and how: batch (sequences per optimizer step), total tokens, attention kernel, input pipeline.</summary>
public sealed record TrainingSpec
{
    public int GlobalBatchSize { get; init; }
    public double Tokens { get; init; }
    /// <summary>Fused attention that never writes the s×s score matrix (Dao et al. 2022); false for the 2021 Megatron kernels.</summary>
    public bool FlashAttention { get; init; } = true;
    /// <summary>
    /// Weight-gradient GEMMs accumulate straight into the fp32 gradient buffer (Megatron-LM gradient_accumulation_fusion, 2022);
    /// false for the 2021 kernels, where every micro-batch adds each half-precision gradient into that buffer in a separate pass.
    /// </summary>
    public bool FusedGradientAccumulation { get; init; } = true;
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
