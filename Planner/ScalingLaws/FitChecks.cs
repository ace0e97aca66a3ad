using ScalePlanner.Executor.Measurements;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.ScalingLaws;

/// <summary>
/// What makes a fit meaningless, refused with the reason instead of printed as a law: runs that cannot pin each term down,
/// and fitted parameters that are not finite or whose exponents lie outside what a loss law can have.
/// </summary>
public static class FitChecks
{
    /// <summary>A power-law term with an offset (coefficient, exponent, and the shared irreducible loss) needs three distinct values of its variable.</summary>
    public const int DistinctValues = 3;

    /// <summary>
    /// Exponents between 0.01 and 2: Hoffmann et al.'s initialisation grid spans 0–2 (Appendix D.2) and published fits lie in
    /// 0.05–0.5 (Kaplan et al. 2020: 0.076, 0.095; Hoffmann et al. 2022: 0.34, 0.28). Below 0.01 the term is flat over any data
    /// (a model 100 times larger lowers it by under 5 %), so the runs do not show that variable's effect.
    /// </summary>
    public static readonly NumberRange Exponent = new(0.01, 2);

    public static void RequireSpread(IReadOnlyList<ScalingRun> runs)
    {
        foreach (var (name, values) in new[] { ("params", runs.Select(r => r.Parameters)), ("tokens", runs.Select(r => r.Tokens)) })
        {
            var distinct = values.Select(v => Math.Round(Math.Log(v), 9)).Distinct().Count();
            if (distinct < DistinctValues)
                throw new SpecException("RUNS.csv", $"{runs.Count} runs hold only {distinct} distinct {name} value(s); a law needs at least {DistinctValues} distinct model sizes and {DistinctValues} distinct token counts to fix each term's coefficient and exponent");
        }
    }

    /// <summary>Why the quoted parameters of <paramref name="theta"/> are not a loss law, or null when they are one.</summary>
    public static string? Implausible(IScalingForm form, double[] theta)
    {
        var quoted = form.Quoted(theta);
        for (int i = 0; i < quoted.Length; i++)
        {
            string name = form.ParameterNames[i];
            if (!double.IsFinite(quoted[i]) || quoted[i] <= 0) return $"{name} = {quoted[i]:G4} is not a finite positive number";
            if (IsExponent(name) && (quoted[i] < Exponent.Min || quoted[i] > Exponent.Max))
                return $"the exponent {name} = {quoted[i]:G4} lies outside {Limits.Number(Exponent.Min)}–{Limits.Number(Exponent.Max)}";
        }
        return null;
    }

    public static void RequirePlausible(IScalingForm form, double[] theta)
    {
        if (Implausible(form, theta) is { } reason)
            throw new SpecException("RUNS.csv", $"the {form.Name} law fitted to these runs is degenerate: {reason}; the runs do not pin the law down (more sizes and token counts, spread over more compute, help)");
    }

    /// <summary>The forms name their exponents alpha… (and beta…).</summary>
    private static bool IsExponent(string name) => name.StartsWith("alpha", StringComparison.Ordinal) || name.StartsWith("beta", StringComparison.Ordinal);
}
