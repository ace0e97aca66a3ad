using ScalePlanner.Planner.Scenarios;
using ScalePlanner.Simulator.Plans;
using ScalePlanner.Simulator.Profiles;

namespace ScalePlanner.Planner.Search;

/// <summary>
/// `plan`'s answer: the search (<see cref="PlanSearch"/>), then, when nothing fits, what would (<see cref="FitAdvisor"/>), or
/// the best <paramref name="refine"/> layouts re-ranked with the event-driven timeline (<see cref="TimelineRefinement"/>).
/// </summary>
public static class Planning
{
    public static PlanResult Plan(Scenario scenario, int top, DeviceProfile? profile = null, int? refine = null, Action<double>? progress = null)
    {
        var plan = PlanSearch.Run(scenario, top, profile, progress);
        if (plan.Top.Count == 0) return plan with { WhatWouldFit = FitAdvisor.Suggest(scenario, profile) };
        return refine is { } k ? TimelineRefinement.Refine(plan, scenario, k, profile) : plan;
    }
}
