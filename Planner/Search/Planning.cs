using ScalePlanner.Planner.Scenarios;
using ScalePlanner.Simulator.Plans;
using ScalePlanner.Simulator.Profiles;

namespace ScalePlanner.Planner.Search;

/// <summary>
/// `plan`'s answer: the search (<see cref="PlanSearch"/>), then, when nothing fits, what would (<see cref="FitAdvisor"/>), or
/// the best <paramref name="refine"/> layouts re-ranked with the event-driven timeline (<see cref="TimelineRefinement"/>);
/// near-ties grouped (<see cref="NearTies"/>).
/// </summary>
public static class Planning
{
    public static PlanResult Plan(Scenario scenario, int top, DeviceProfile? profile = null, int? refine = null, Action<double>? progress = null,
        double tiePercent = NearTies.DefaultPercent)
    {
        var plan = PlanSearch.Run(scenario, top, profile, progress);
        if (plan.Top.Count == 0) return plan with { WhatWouldFit = FitAdvisor.Suggest(scenario, profile) };
        if (refine is { } k) plan = TimelineRefinement.Refine(plan, scenario, k, profile);
        return NearTies.Group(plan, tiePercent);
    }
}
