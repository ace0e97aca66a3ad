using ScalePlanner.Planner.Scenarios;
using ScalePlanner.Planner.Search;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.ScalingLaws;

/// <summary>`fit`'s compute budget: FLOPs as given, or dollars priced at the model throughput of a scenario's best layout.</summary>
public static class ComputeBudget
{
    /// <summary>
    /// 1e9 to 1e40 FLOPs: the optimum is searched with N and D of at least 1,000 each (C = 6ND ≥ 6e6), and 1e40 is about 10¹⁵
    /// times Llama 3 405B's 3.8e25 FLOPs (Dubey et al. 2024).
    /// </summary>
    private static readonly NumberRange FlopsRange = new(1e9, 1e40, "FLOPs");

    /// <summary>FLOPs for the answer: given directly, or dollars × model FLOPs per dollar of the scenario's best layout (6ND-style model FLOPs).</summary>
    public static double? Flops(double? flops, double? dollars, string? scenario)
    {
        if (flops is not null && dollars is not null) throw new SpecException("--budget", "give one budget: --budget (FLOPs) or --budget-dollars (with --scenario), not both");
        if (scenario is not null && dollars is null) throw new SpecException("--scenario", "prices --budget-dollars; give it with --budget-dollars, or leave it out");
        if (flops is { } f) return FlopsRange.Check("--budget", f);
        if (dollars is not { } d) return null;
        Limits.BudgetDollars.Check("--budget-dollars", d);
        if (scenario is null) throw new SpecException("--scenario", "is required with --budget-dollars (its cluster prices the compute)");
        var best = PlanSearch.Run(ScenarioLoader.Load(scenario), 1).Top.FirstOrDefault()
                   ?? throw new SpecException("--scenario", "no layout fits its cluster, so it cannot price compute");
        var r = best.Result;
        double dollarsPerSecond = best.Cluster.Devices * best.Cluster.PricePerDeviceHour / 3600;
        if (dollarsPerSecond <= 0) throw new SpecException("--scenario", "its cluster has no price (cluster.pricePerDeviceHour)");
        return d / dollarsPerSecond * r.ModelTflopsPerGpu * 1e12 * best.Cluster.Devices;
    }
}
