namespace ScalePlanner.Reports;

/// <summary>One published measurement next to the cost model's prediction of it.</summary>
public sealed record ValidationRow(string Table, string Name, string Metric, double Predicted, double Published)
{
    public double ErrorPercent => (Predicted - Published) / Published * 100;
}
