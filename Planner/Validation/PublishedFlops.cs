using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.Validation;

/// <summary>
/// FLOPs per token as each source counts them, so a published TFLOP/s figure is turned into the time it implies and compared
/// on time, not on two different ways of counting.
/// </summary>
public static class PublishedFlops
{
    /// <summary>The MLP width a token passes through: top-k routed experts plus the shared ones, or the dense FFN.</summary>
    private static double MlpWidth(ModelSpec model) =>
        model.Moe is { } moe ? (double)(moe.TopK + moe.SharedExperts) * moe.ExpertFfnHidden : model.FfnHidden;

    public static double PerToken(string formula, ModelSpec model)
    {
        double l = model.Layers, h = model.Hidden, s = model.SequenceLength, v = model.Vocab;
        return formula switch
        {
            // Narayanan et al. SC21, eq. 3: F = 96·B·s·l·h²·(1 + s/6h + V/16lh) per iteration, recomputation counted.
            "megatron-eq3" => 96 * l * h * h * (1 + s / (6 * h) + v / (16 * l * h)),
            // The same without the recomputed forward: 3/4 of it (Dao-AILab/flash-attention training/README.md).
            "megatron-eq3-model" => 72 * l * h * h * (1 + s / (6 * h) + v / (16 * l * h)),
            // 6N + 12·l·h·s: parameters (embeddings included) and non-causal attention (Dao 2023 §4.3; Chowdhery et al. 2022, App. B).
            "6N+12lhs" => 6.0 * model.ParameterCount + 12 * l * h * s,
            // Megatron-LM's num_floating_point_operations (training.py before 8873b55, 2025-03-06: attention counted non-causal): 12·l·h²·[(1 + g/a + s/h) + k·F/h·3/2 + Fs/h·3/2 + V/(2lh)]
            // per token, g/a the key-value share of the heads, k·F the routed experts' width, Fs the shared experts', 3/2 for SwiGLU.
            "megatron-moe" => 12 * l * h * h * ((1 + (double)model.KvHeads / model.Heads + s / h) + MlpWidth(model) / h * 1.5 + v / (2 * l * h)),
            _ => throw new SpecException("flop_formula", $"unknown value '{formula}'; allowed: megatron-eq3 megatron-eq3-model 6N+12lhs megatron-moe"),
        };
    }
}
