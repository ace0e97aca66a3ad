namespace ScalePlanner.Reports;

/// <summary>One published measurement next to the cost model's prediction of it.</summary>
public sealed record ValidationRow(string Table, string Name, string Metric, double Predicted, double Published)
{
    /// <summary>Whether the accuracy goal covers the row's set (informational sets are printed with <see cref="Reason"/>).</summary>
    public bool InGoal { get; init; } = true;
    /// <summary>What the set samples: models, machines, stack, era.</summary>
    public string Regime { get; init; } = "";
    public string Reason { get; init; } = "";

    public double ErrorPercent => (Predicted - Published) / Published * 100;
}
