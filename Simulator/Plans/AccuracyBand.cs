namespace ScalePlanner.Simulator.Plans;

/// <summary>
/// How far a prediction may be off, from the cost model's errors on comparable published runs: a predicted time T lies in
/// [T·<see cref="Low"/>, T·<see cref="High"/>] (a prediction interval of the runs' measured-over-predicted time ratios). The
/// runs are named; <see cref="Regime"/> says what they share with the prediction. With no comparable run there is no band:
/// <see cref="Runs"/> is empty and Low = High = 1.
/// </summary>
public sealed record AccuracyBand(double Low, double High, string Regime, IReadOnlyList<string> Runs)
{
    public static AccuracyBand None(string regime) => new(1, 1, regime, []);

    public bool Exists => Runs.Count > 0;
}
