using ScalePlanner.Planner.Scenarios;
using ScalePlanner.Reports;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Plans;
using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.Search;

/// <summary>
/// When no layout fits (or none meets the deadline or budget), says what would: the ZeRO stage and recomputation that make
/// it fit if the search had restricted them, the smallest device count that fits, and the largest model that fits as is.
/// Each answer is a search of its own; they run only when the plan came back empty.
/// </summary>
public static class FitAdvisor
{
    private const int MaxDoublings = 8;

    public static IReadOnlyList<string> Suggest(Scenario scenario, DeviceProfile? profile = null)
    {
        var advice = new List<string> { "No layout fits the scenario as searched." };
        var open = scenario with { Search = scenario.Search with { Zero = [0, 1, 2, 3], Recompute = [RecomputeMode.None, RecomputeMode.Selective, RecomputeMode.Full] } };

        if (scenario.Objective.DeadlineSeconds is not null || scenario.Objective.BudgetDollars is not null)
        {
            var unconstrained = scenario with { Objective = scenario.Objective with { DeadlineSeconds = null, BudgetDollars = null } };
            if (Best(profile, unconstrained) is { } fastest)
            {
                // Memory is not the problem: the deadline or budget is, and that is the whole answer.
                return [$"Layouts fit in memory, but none meets the deadline/budget: the best by {scenario.Objective.Kind.ToString().ToLowerInvariant()} takes {Units.Seconds(fastest.Result.TimeToTrainSeconds)}"
                    + (fastest.Result.CostDollars is { } d ? $" and ${d:N0}" : "") + $" ({fastest.Cluster.Devices} × {fastest.Cluster.Accelerator.Key}, {fastest.Result.Layout})."];
            }
            open = open with { Objective = unconstrained.Objective };
        }

        if (!SameSearch(scenario, open) && Best(profile, open) is { } relaxed)
            advice.Add($"It fits with zero={relaxed.Result.Layout.Zero} and recompute={LayoutFormat.Name(relaxed.Result.Layout.Recompute)}, which the search excluded: {relaxed.Result.Layout} on {relaxed.Cluster.Devices} × {relaxed.Cluster.Accelerator.Key}.");

        foreach (var cluster in scenario.Clusters.DistinctBy(c => c.Accelerator.Key))
        {
            string? found = null;
            for (int k = 1; k <= MaxDoublings && found is null && (long)cluster.Devices << k <= Limits.MaxDevices; k++)   // never past the largest cluster (nor int overflow)
            {
                var bigger = cluster with { Nodes = cluster.Nodes << k };
                if (Best(profile, open with { Clusters = [bigger] }) is { } fit)
                    found = $"Smallest device count that fits on {cluster.Accelerator.Key}: {bigger.Devices} ({bigger.Nodes} nodes), e.g. {fit.Result.Layout}.";
            }
            advice.Add(found ?? $"Nothing fits on {cluster.Accelerator.Key} even with {Math.Min((long)cluster.Devices << MaxDoublings, Limits.MaxDevices)} devices.");
        }

        int low = 0, high = scenario.Model.Layers - 1;
        while (low < high)
        {
            int mid = (low + high + 1) / 2;
            if (Best(profile, open with { Model = scenario.Model with { Layers = mid } }) is not null) low = mid;
            else high = mid - 1;
        }
        advice.Add(low == 0
            ? "Not even one layer of this model fits these clusters: the embedding and output layer alone are too big."
            : $"Largest model of this shape that fits these clusters: {low} of {scenario.Model.Layers} layers ({Units.Count((scenario.Model with { Layers = low }).ParameterCount)} parameters).");
        return advice;
    }

    private static RankedLayout? Best(DeviceProfile? profile, Scenario scenario) => PlanSearch.Run(scenario, 1, profile).Top.FirstOrDefault();

    private static bool SameSearch(Scenario a, Scenario b) =>
        a.Search.Zero.Order().SequenceEqual(b.Search.Zero.Order()) && a.Search.Recompute.Order().SequenceEqual(b.Search.Recompute.Order());
}
