using ScalePlanner.Simulator.Plans;

namespace ScalePlanner.Planner.Search;

/// <summary>
/// Builds <see cref="PlanExplanation"/>: from the shapes the search met on the winner's cluster option, the best layout with
/// each other tp and cp value and with the neighbouring pp values (half and double, or the nearest present), and the simplest
/// layout that fits.
/// </summary>
public static class WinnerExplanation
{
    public static PlanExplanation Build(RankedLayout winner, int job, ShapeBests shapes, Candidate? simplest, Func<Candidate, RankedLayout> rank)
    {
        var mine = shapes.Records.Keys.Where(k => k.Job == job).ToList();
        var w = winner.Result.Layout;
        var alternatives = new List<Alternative>();
        alternatives.AddRange(Values(mine, k => k.Tp, w.Tp, all: true).Select(v => Combine("tp", v, shapes.Merged(job, k => k.Tp == v), rank)));
        alternatives.AddRange(Values(mine, k => k.Pp, w.Pp, all: false).Select(v => Combine("pp", v, shapes.Merged(job, k => k.Pp == v), rank)));
        alternatives.AddRange(Values(mine, k => k.Cp, w.Cp, all: true).Select(v => Combine("cp", v, shapes.Merged(job, k => k.Cp == v), rank)));
        var simplestRanked = simplest is { } s && s.Layout != w ? rank(s) : null;
        return new PlanExplanation(winner, alternatives, simplestRanked);
    }

    /// <summary>The other values of a dimension the search met: all of them, or only the nearest below and above the winner's.</summary>
    private static IEnumerable<int> Values(List<ShapeKey> shapes, Func<ShapeKey, int> of, int winner, bool all)
    {
        var values = shapes.Select(of).Distinct().Where(v => v != winner).Order().ToList();
        if (all) return values;
        return values.Where(v => v < winner).TakeLast(1).Concat(values.Where(v => v > winner).Take(1));
    }

    private static Alternative Combine(string dimension, int value, ShapeRecord merged, Func<Candidate, RankedLayout> rank) =>
        new(dimension, value,
            merged.Best is { } b ? rank(b) : null,
            merged.Best is null && merged.FastestOutside is { } f ? rank(f) : null,
            merged.LeastLayout, merged.LeastMemory);
}
