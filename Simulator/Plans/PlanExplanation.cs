using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Simulation;

namespace ScalePlanner.Simulator.Plans;

/// <summary>
/// The best layout found with one value of one parallel dimension (e.g. tp=8), on the winner's cluster option: the best that
/// meets the constraints (<see cref="Best"/>), else the fastest that fits (<see cref="BestOutsideConstraints"/>), else the
/// layout that came closest to fitting in memory (<see cref="LeastMemory"/>, with its memory).
/// </summary>
public sealed record Alternative(string Dimension, int Value, RankedLayout? Best, RankedLayout? BestOutsideConstraints, Layout? LeastMemory, MemoryParts LeastMemoryParts)
{
    public string Name => $"{Dimension}={Value}";
}

/// <summary>
/// Why the best layout wins: the winner, the best layout with each other value of tp, pp (the neighbouring ones) and cp on the
/// same cluster option, and the simplest layout that fits (fewest parallel and memory-saving techniques).
/// </summary>
public sealed record PlanExplanation(RankedLayout Winner, IReadOnlyList<Alternative> Alternatives, RankedLayout? Simplest)
{
    /// <summary>How many techniques a layout uses beyond plain data parallelism: tp, pp, vp, cp, ep, sp, ZeRO, recomputation, uneven stages.</summary>
    public static int Complexity(in Layout l) =>
        (l.Tp > 1 ? 1 : 0) + (l.Ep > 1 || l.Etp > 1 ? 1 : 0) + (l.Pp > 1 ? 1 : 0) + (l.Vp > 1 ? 1 : 0) + (l.Cp > 1 ? 1 : 0) + (l.Sp ? 1 : 0) + (l.Zero > 0 ? 1 : 0)
        + (l.Recompute != RecomputeMode.None ? 1 : 0) + (l.FirstStageLayers > 0 || l.LastStageLayers > 0 ? 1 : 0);
}
