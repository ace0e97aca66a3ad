using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.Validation;

/// <summary>
/// FLOPs per token as each source counts them, so a published TFLOP/s figure is turned into the time it implies and compared
/// on time, not on two different ways of counting.
/// </summary>
public static class PublishedFlops
{
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
            _ => throw new SpecException("flop_formula", $"unknown value '{formula}'; allowed: megatron-eq3 megatron-eq3-model 6N+12lhs"),
        };
    }
}
