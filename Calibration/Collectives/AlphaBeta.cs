using ScalePlanner.Calibration.Fitting;
using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Profiles;

namespace ScalePlanner.Calibration.Collectives;

/// <summary>
/// Turns a fitted line time = a + bytes·b of one collective on n ranks into the link's per-step latency α and bandwidth B,
/// by the formulas the cost model uses (Costs/Collectives.cs): ring all-reduce a = 2(n−1)α, b = 2(n−1)/(n·B); ring
/// all-gather and reduce-scatter a = (n−1)α, b = (n−1)/(n·B); one-way send a = α, b = 1/B. Across machines the line is
/// fitted by <see cref="InterNodeLineFit"/> (bandwidth from the large messages, latency from the small ones).
/// </summary>
public static class AlphaBeta
{
    public sealed record Link(string Kind, int Ranks, LinkSpec Spec, LineFit.Result Fit, bool InterNode = false)
    {
        /// <summary>"AllReduce (2 ranks)", with "inter-node " before it for the tier across machines.</summary>
        public string Name => $"{(InterNode ? "inter-node " : "")}{Kind} ({Ranks} ranks)";
    }

    /// <summary>One link per collective kind and tier (inside a machine, across machines).</summary>
    public static IReadOnlyList<Link> Fit(IReadOnlyList<CollectiveMeasurement> measurements) =>
        [.. measurements.GroupBy(m => (m.InterNode, m.Kind)).Select(g =>
        {
            int n = g.First().Ranks;
            (double, double)[] points = [.. g.Select(m => ((double)m.Bytes, m.Time.Estimate))];
            var fit = g.Key.InterNode ? InterNodeLineFit.Fit(points) : LineFit.Fit(points);
            double steps = g.Key.Kind switch
            {
                nameof(CollectiveKind.AllReduce) => 2.0 * (n - 1),
                nameof(CollectiveKind.SendRecv) => 1,
                _ => n - 1.0,
            };
            double volume = g.Key.Kind == nameof(CollectiveKind.SendRecv) ? 1 : steps / n; // bytes each rank sends per byte of buffer
            double bandwidth = fit.BytesPerSecond * volume;
            return new Link(g.Key.Kind, n, new LinkSpec(bandwidth / 1e9, fit.FixedSeconds / steps), fit, g.Key.InterNode);
        })];
}
