using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Simulation;

namespace ScalePlanner.Planner.Search;

/// <summary>One parallel shape of one job (cluster option × stack): tp, pp, cp; dp follows from the device count.</summary>
public readonly record struct ShapeKey(int Job, int Tp, int Pp, int Cp);

/// <summary>
/// What the search met in one shape, for the explanation of the winner: the best candidate that meets the constraints, the
/// fastest that fits but misses them, and the candidate that came closest to fitting in memory.
/// </summary>
public sealed class ShapeRecord
{
    public Candidate? Best;
    public Candidate? FastestOutside;
    public Layout? LeastLayout;
    public MemoryParts LeastMemory = new(double.PositiveInfinity, 0, 0, 0, 0);

    /// <summary>One record for several shapes: the best of their bests, the fastest of their misses, the closest of their near-fits.</summary>
    public static ShapeRecord Merge(IEnumerable<ShapeRecord> records)
    {
        var merged = new ShapeRecord();
        foreach (var r in records) merged.Offer(r.Best, r.FastestOutside, r.LeastLayout, r.LeastMemory);
        return merged;
    }

    public void Offer(in Candidate? best, in Candidate? fastestOutside, in Layout? leastLayout, in MemoryParts leastMemory)
    {
        if (best is { } b && (Best is not { } c || Candidate.Compare(b, c) < 0)) Best = b;
        if (fastestOutside is { } f && (FastestOutside is not { } g || f.WallSeconds < g.WallSeconds)) FastestOutside = f;
        if (leastLayout is not null && leastMemory.Total < LeastMemory.Total)
        {
            LeastLayout = leastLayout;
            LeastMemory = leastMemory;
        }
    }
}

/// <summary>The shapes one search thread met; merged into the search's total at the end.</summary>
public sealed class ShapeBests
{
    public Dictionary<ShapeKey, ShapeRecord> Records { get; } = [];

    public ShapeRecord this[in ShapeKey key] => Records.TryGetValue(key, out var record) ? record : Records[key] = new ShapeRecord();

    public void MergeInto(ShapeBests total)
    {
        foreach (var (key, r) in Records) total[key].Offer(r.Best, r.FastestOutside, r.LeastLayout, r.LeastMemory);
    }

    /// <summary>The records of one job whose key passes <paramref name="where"/>, merged.</summary>
    public ShapeRecord Merged(int job, Func<ShapeKey, bool>? where = null) =>
        ShapeRecord.Merge(Records.Where(r => r.Key.Job == job && (where is null || where(r.Key))).Select(r => r.Value));
}
