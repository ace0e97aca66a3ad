using ScalePlanner.Simulator.Plans;
using ScalePlanner.Simulator.Simulation;

namespace ScalePlanner.Reports;

/// <summary>
/// The accuracy band in JSON, added to a layout's result: the factors, the regime and the published runs it comes from, and
/// the step time, time to train and cost it brackets (absent when no comparable run exists).
/// </summary>
public static class BandJson
{
    public sealed record Band(double Low, double High, string Regime, int RunCount, IReadOnlyList<string> Runs);

    public static Band? Of(AccuracyBand? band) => band is null ? null : new Band(band.Low, band.High, band.Regime, band.Runs.Count, band.Runs);

    /// <summary>The fields added next to the result's own: band, stepTimeBandSeconds, timeToTrainBandSeconds, costBandDollars.</summary>
    public static IEnumerable<KeyValuePair<string, object?>> Fields(SimulationResult r, AccuracyBand? band)
    {
        yield return new("band", Of(band));
        if (band is not { Exists: true } b) yield break;
        yield return new("stepTimeBandSeconds", new[] { r.StepTimeSeconds * b.Low, r.StepTimeSeconds * b.High });
        yield return new("timeToTrainBandSeconds", new[] { r.TimeToTrainSeconds * b.Low, r.TimeToTrainSeconds * b.High });
        if (r.CostDollars is { } d) yield return new("costBandDollars", new[] { d * b.Low, d * b.High });
    }
}
