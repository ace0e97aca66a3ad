using System.Text.Json;
using ScalePlanner.Simulator.Plans;

namespace ScalePlanner.Reports;

/// <summary>
/// `plan --format json`: an array of ranked layouts, each the `simulate` contract plus its rank, cluster, the engine that timed
/// it, whether it changes the training recipe, the near-tie group it belongs to and its accuracy band.
/// </summary>
public static class PlanJson
{
    public static string Serialize(PlanResult plan) =>
        JsonSerializer.Serialize(plan.Top.Select(r => Flatten(plan, r)), JsonFormat.Options);

    /// <summary>The contract's fields at the top level of each element, with rank and cluster added.</summary>
    private static Dictionary<string, object?> Flatten(PlanResult plan, RankedLayout ranked)
    {
        var timeline = ranked.Timeline is { } t ? TimelineJson.Summarize(t.Timeline, t.ClosedForm) : null;
        var element = JsonSerializer.SerializeToElement(SimulationJson.From(ranked.Result, timeline), JsonFormat.Options);
        var fields = new Dictionary<string, object?>
        {
            ["rank"] = ranked.Rank,
            ["accelerator"] = ranked.Cluster.Accelerator.Key,
            ["nodes"] = ranked.Cluster.Nodes,
            ["devicesPerNode"] = ranked.Cluster.DevicesPerNode,
            ["engine"] = ranked.Timeline is null ? "closed-form" : "timeline",
        };
        foreach (var property in element.EnumerateObject()) fields[property.Name] = property.Value;
        var changes = plan.Recipe.Changes(ranked.Result.Layout);
        fields["changesRecipe"] = changes.Count > 0;
        fields["recipeChanges"] = changes;
        fields["tieGroup"] = plan.GroupOf(ranked.Rank)?.FirstRank ?? ranked.Rank;
        foreach (var (key, value) in BandJson.Fields(ranked.Result, ranked.Band)) fields[key] = value;
        return fields;
    }
}
