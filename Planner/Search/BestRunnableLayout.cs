using ScalePlanner.Planner.Scenarios;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.Search;

/// <summary>
/// `execute --best`: the planner's best layout for the scenario, by its objective, among those the executor can run here. The
/// search is narrowed to what the executor has (no context parallelism, virtual stages, ZeRO-2/3, interleaving or compression;
/// fp32, bf16 or fp16), then the ranked layouts are taken in order and the first the executor accepts is the answer.
/// </summary>
public static class BestRunnableLayout
{
    /// <summary>Ranked layouts looked at before giving up: the executor's remaining refusals are rare once the search is narrowed.</summary>
    private const int Candidates = 200;

    public static Layout Find(Scenario scenario, DeviceProfile? profile, Action<Layout> requireRunnable)
    {
        var search = scenario.Search;
        var narrowed = search with
        {
            Cp = [1], Vp = [1],
            Zero = [.. search.Zero.Where(z => z <= 1)],
            Precision = [.. (search.Precision ?? [Precision.Fp32, Precision.Bf16, Precision.Fp16]).Where(p => p is Precision.Fp32 or Precision.Bf16 or Precision.Fp16)],
            Compression = [GradientCompression.None],
            Schedule = [.. search.Schedule.Where(s => s != PipelineSchedule.Interleaved)],
        };
        var plan = PlanSearch.Run(scenario with { Search = narrowed }, Candidates, profile);
        foreach (var ranked in plan.Top)
        {
            try
            {
                requireRunnable(ranked.Result.Layout);
                return ranked.Result.Layout;
            }
            catch (SpecException)
            {
                // The executor refuses this one (e.g. bf16 across processes): the next ranked layout may run.
            }
        }
        throw new SpecException("--best", $"none of the planner's best {plan.Top.Count} layouts for '{scenario.Name}' can run in the executor here; pass --layout");
    }
}
