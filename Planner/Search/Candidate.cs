using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Simulation;

namespace ScalePlanner.Planner.Search;

/// <summary>One timed layout inside the search: which cluster option, its score and the numbers to rebuild the full result.</summary>
public readonly record struct Candidate(int Cluster, Layout Layout, double Score, double WallSeconds, double Dollars, StepEstimate Estimate)
{
    /// <summary>
    /// The ranking rule: lower score first; ties go to fewer devices, then to the lower cluster index, then to the canonical
    /// layout string in ordinal order, so the ranking never depends on thread timing.
    /// </summary>
    public static int Compare(in Candidate a, in Candidate b)
    {
        int c = a.Score.CompareTo(b.Score);
        if (c != 0) return c;
        c = a.Layout.Devices.CompareTo(b.Layout.Devices);
        if (c != 0) return c;
        c = a.Cluster.CompareTo(b.Cluster);
        return c != 0 ? c : string.CompareOrdinal(a.Layout.ToString(), b.Layout.ToString());
    }
}
