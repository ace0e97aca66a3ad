using ScalePlanner.Reports;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.ScalingLaws;

/// <summary>
/// A scaling law with its published parameters, for `fit --law`: how a compute budget C (training FLOPs) splits into
/// parameters N and tokens D, the loss it predicts, and, where the paper printed rounded values, the allocations the
/// rounding admits.
/// </summary>
public abstract class PublishedLaw
{
    public abstract string Key { get; }
    public abstract string Citation { get; }
    public abstract string Formula { get; }
    public abstract IReadOnlyList<PublishedLawReport.Parameter> Parameters { get; }

    /// <summary>What N counts (all parameters, or Kaplan et al.'s non-embedding parameters) and any caveat of the law.</summary>
    public abstract string Note { get; }

    /// <summary>The compute-optimal parameters and tokens for <paramref name="budget"/> FLOPs (C = 6ND), and the predicted loss.</summary>
    public abstract (double Parameters, double Tokens, double Loss) Optimal(double budget);

    /// <summary>The smallest and largest N over the rounding of the printed parameters; null when the paper's values are not rounded.</summary>
    public virtual (double Low, double High)? RoundingRange(double budget) => null;

    public static readonly IReadOnlyDictionary<string, PublishedLaw> All = new PublishedLaw[] { new Hoffmann2022(), new Besiroglu2024(), new Kaplan2020() }.ToDictionary(l => l.Key);

    public static PublishedLaw Get(string key) =>
        All.TryGetValue(key, out var law) ? law : throw new SpecException("--law", $"unknown law '{key}'; allowed: {string.Join(' ', All.Keys)}");

    public PublishedLawReport Report(double? budget)
    {
        PublishedLawReport.Allocation? allocation = null;
        if (budget is { } c)
        {
            var (n, d, l) = Optimal(c);
            allocation = new PublishedLawReport.Allocation(c, n, d, l, RoundingRange(c) is { } r ? [r.Low, r.High] : null);
        }
        return new PublishedLawReport(Key, Citation, Formula, Note, Parameters, allocation);
    }
}
