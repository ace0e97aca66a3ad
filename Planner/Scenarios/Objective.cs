namespace ScalePlanner.Planner.Scenarios;

public enum ObjectiveKind { Time, Cost, Mfu }

/// <summary>
/// What the ranking minimises: wall time to train (failures included), dollars (device-hours when no price is given), or the
/// negated MFU; optionally only among layouts that meet a deadline or a budget.
/// </summary>
public sealed record Objective(ObjectiveKind Kind, double? DeadlineSeconds = null, double? BudgetDollars = null)
{
    public static readonly Objective Time = new(ObjectiveKind.Time);

    public double Score(double wallSeconds, double dollars, double mfu) => Kind switch
    {
        ObjectiveKind.Time => wallSeconds,
        ObjectiveKind.Cost => dollars,
        _ => -mfu,
    };

    /// <summary>What the objective counts as dollars: device-hours at the cluster's price, or device-hours alone when it has none.</summary>
    public static double Dollars(double wallSeconds, int devices, double pricePerDeviceHour) =>
        wallSeconds * devices / 3600 * (pricePerDeviceHour > 0 ? pricePerDeviceHour : 1);

    public bool Allows(double wallSeconds, double dollars) =>
        (DeadlineSeconds is not { } deadline || wallSeconds <= deadline) && (BudgetDollars is not { } budget || dollars <= budget);

    public string Describe() =>
        Kind.ToString().ToLowerInvariant()
        + (DeadlineSeconds is { } d ? $", deadline {d / 86400:0.#} days" : "")
        + (BudgetDollars is { } b ? $", budget ${b:N0}" : "");
}
