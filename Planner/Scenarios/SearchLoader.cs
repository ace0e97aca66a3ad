using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Plans;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.Scenarios;

/// <summary>Reads the scenario's `search` section: each key restricts one layout dimension to a list of values (layout-string spelling).</summary>
public static class SearchLoader
{
    private static readonly string[] Keys = ["dp", "tp", "pp", "vp", "cp", "mb", "zero", "recompute", "precision", "optimizer", "compress", "overlap", "sp", "schedule", "tpAcrossNodes", "minTokensPerContextRank", "framework", "ep", "etp"];

    /// <summary>The search; precision, optimizer and compression keep the <paramref name="recipe"/>'s value unless the section opens them.</summary>
    public static SearchSpace Load(ConfigReader s, TrainingRecipe recipe)
    {
        s.OnlyKeys(Keys);
        var defaults = new SearchSpace();
        return new SearchSpace
        {
            Dp = Values(s, "dp", l => l.Dp),
            Tp = Values(s, "tp", l => l.Tp),
            Pp = Values(s, "pp", l => l.Pp),
            Vp = Values(s, "vp", l => l.Vp),
            Cp = Values(s, "cp", l => l.Cp),
            MicroBatch = Values(s, "mb", l => l.MicroBatch),
            Ep = Values(s, "ep", l => l.Ep),
            Etp = Values(s, "etp", l => l.Etp),
            Zero = Values(s, "zero", l => l.Zero, skip: "hybrid") ?? defaults.Zero,
            HybridShard = s.StringList("zero") is { } zeros ? zeros.Contains("hybrid", StringComparer.OrdinalIgnoreCase) : defaults.HybridShard,
            Framework = s.StringList("framework") is { } stacks ? [.. stacks.Select(text => Stack(s, text)).Distinct()] : null,
            Recompute = Values(s, "recompute", l => l.Recompute) ?? defaults.Recompute,
            Precision = Values(s, "precision", l => l.Precision) ?? [recipe.Precision],
            Optimizer = Values(s, "optimizer", l => l.Optimizer) ?? [recipe.Optimizer],
            Compression = Values(s, "compress", l => l.Compression) ?? [recipe.Compression],
            Overlap = Values(s, "overlap", l => l.Overlap) ?? defaults.Overlap,
            Sp = Values(s, "sp", l => l.Sp) ?? defaults.Sp,
            Schedule = Values(s, "schedule", l => l.Schedule) ?? defaults.Schedule,
            TpAcrossNodes = s.Bool("tpAcrossNodes") ?? false,
            MinTokensPerContextRank = s.Int("minTokensPerContextRank", Limits.SequenceLength) ?? defaults.MinTokensPerContextRank,
        };
    }

    private static Framework Stack(ConfigReader s, string text) =>
        StackKeys.Frameworks.TryGetValue(text.ToLowerInvariant(), out var framework)
            ? framework
            : throw new SpecException($"{s.Path}.framework", $"unknown value '{text}'; allowed: {string.Join(' ', StackKeys.Frameworks.Keys)}");

    /// <summary>Each value is read exactly as the layout string reads it, so the spellings, the ranges and the error texts are the same; <paramref name="skip"/> is read by the caller.</summary>
    private static T[]? Values<T>(ConfigReader s, string key, Func<Layout, T> pick, string? skip = null)
    {
        var texts = s.StringList(key);
        if (texts is null) return null;
        return [.. texts.Where(text => !string.Equals(text, skip, StringComparison.OrdinalIgnoreCase)).Select(text =>
        {
            if (text.Contains(',') || text.Contains('='))
                throw new SpecException($"search.{key}", $"'{text}' is not one value; list each value as its own element");
            try
            {
                return pick(Layout.Parse($"{key}={text}"));
            }
            catch (SpecException ex)
            {
                throw new SpecException($"search.{key}", ex.Message[(ex.Field.Length + 2)..]);
            }
        }).Distinct()];
    }
}
