using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Costs;

/// <summary>
/// Weights, gradients and optimizer states per device under ZeRO stage 0–3 (Rajbhandari et al. SC20, §5 and Table 1):
/// stage 1 partitions optimizer states, stage 2 also gradients, stage 3 (FSDP) also weights, each over the data-parallel degree.
/// </summary>
public readonly record struct ModelStateMemory(double Weights, double Gradients, double OptimizerStates)
{
    public double Total => Weights + Gradients + OptimizerStates;

    public static ModelStateMemory PerDevice(double parameters, int dataParallel, int zeroStage, Precision precision, double optimizerBytesPerParameter)
    {
        double weightBytes = precision.IsMixed() ? 2 : 4; // 2Ψ for fp16/bf16 working weights and gradients (ZeRO §3.1)
        return PerDevice(parameters, dataParallel, zeroStage, weightBytes, weightBytes, optimizerBytesPerParameter);
    }

    /// <summary>The same split with each state's bytes per parameter given (stacks keep gradients or weights in other formats).</summary>
    public static ModelStateMemory PerDevice(double parameters, int dataParallel, int zeroStage, double weightBytes, double gradientBytes, double optimizerBytesPerParameter)
    {
        double nd = dataParallel;
        return new ModelStateMemory(
            parameters * weightBytes / (zeroStage >= 3 ? nd : 1),
            parameters * gradientBytes / (zeroStage >= 2 ? nd : 1),
            parameters * optimizerBytesPerParameter / (zeroStage >= 1 ? nd : 1));
    }
}
