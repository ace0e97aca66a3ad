using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Plans;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.Scenarios;

/// <summary>
/// Reads the recipe from the scenario's `training` section (`precision`, `optimizer`, `compress`, in layout-string spelling;
/// defaults bf16, adamw, none) and checks that every cluster option can run its number format unless `search.precision` opens it.
/// </summary>
public static class RecipeLoader
{
    public static readonly string[] Keys = ["precision", "optimizer", "compress"];

    public static TrainingRecipe Load(ConfigReader training)
    {
        var defaults = TrainingRecipe.Default;
        return new TrainingRecipe(
            Value(training, "precision", l => l.Precision) ?? defaults.Precision,
            Value(training, "optimizer", l => l.Optimizer) ?? defaults.Optimizer,
            Value(training, "compress", l => l.Compression) ?? defaults.Compression);
    }

    /// <summary>A recipe precision without a fast path on a cluster option leaves the search nothing to time: say so instead.</summary>
    public static void RequireSupported(TrainingRecipe recipe, IReadOnlyList<ClusterSpec> clusters, bool searchOpensPrecision)
    {
        if (searchOpensPrecision) return;
        foreach (var accelerator in clusters.Select(c => c.Accelerator).Where(a => !a.Supports(recipe.Precision)))
            throw new SpecException("training.precision", $"{recipe.Precision.Key()} has no fast path on {accelerator.Key}; allowed there: {string.Join(' ', PrecisionFacts.All.Where(accelerator.Supports).Select(p => p.Key()))}");
    }

    /// <summary>One value read exactly as the layout string reads it, so the spellings and the error texts are the same.</summary>
    private static T? Value<T>(ConfigReader training, string key, Func<Layout, T> pick) where T : struct
    {
        if (training.String(key) is not { } text) return null;
        try
        {
            return pick(Layout.Parse($"{key}={text}"));
        }
        catch (SpecException ex)
        {
            throw new SpecException($"{training.Path}.{key}", ex.Message[(ex.Field.Length + 2)..]);
        }
    }
}
