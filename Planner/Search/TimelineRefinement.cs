using ScalePlanner.Planner.Scenarios;
using ScalePlanner.Simulator.Plans;
using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Timeline;

namespace ScalePlanner.Planner.Search;

/// <summary>
/// `plan --refine K`: the closed form ranks every layout; the event-driven timeline then simulates the best K step by step
/// (uneven stages, few micro-batches, bucketed overlap) and they are ranked again by the objective with the timeline's step
/// time; one that then misses the deadline or budget is dropped. Layouts below rank K keep the closed form's numbers and
/// their places after the refined ones.
/// </summary>
public static class TimelineRefinement
{
    public static PlanResult Refine(PlanResult plan, Scenario scenario, int k, DeviceProfile? profile = null)
    {
        int count = Math.Min(k, plan.Top.Count);
        var refined = new RankedLayout[count];
        var scores = new double[count];
        Parallel.For(0, count, i =>
        {
            var ranked = plan.Top[i];
            var job = new TrainingJob(scenario.Model, ranked.Cluster, scenario.Training);
            var simulation = TimelineSimulator.Evaluate(job, ranked.Result.Layout, profile);
            var r = simulation.Result;
            refined[i] = ranked with { Result = r, Timeline = simulation };
            double dollars = Objective.Dollars(r.TimeToTrainSeconds, r.Devices, ranked.Cluster.PricePerDeviceHour);
            // A layout whose simulated time no longer meets the deadline or budget leaves the ranking.
            scores[i] = scenario.Objective.Allows(r.TimeToTrainSeconds, dollars) ? scenario.Objective.Score(r.TimeToTrainSeconds, dollars, r.Mfu) : double.NaN;
        });
        // Ties keep the closed form's order, so the ranking never depends on thread timing.
        var order = Enumerable.Range(0, count).Where(i => !double.IsNaN(scores[i])).OrderBy(i => scores[i]).ThenBy(i => i);
        var top = order.Select((i, rank) => refined[i] with { Rank = rank + 1, Score = scores[i] }).Concat(plan.Top.Skip(count)).ToList();
        return plan with { Top = top, Refined = count };
    }
}
