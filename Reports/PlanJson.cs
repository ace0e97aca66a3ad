using System.Text.Json;
using ScalePlanner.Simulator.Simulation;

namespace ScalePlanner.Reports;

/// <summary>`plan --format json`: an array of ranked layouts, each the `simulate` contract plus its rank and cluster.</summary>
public static class PlanJson
{
    public static string Serialize(PlanResult plan) =>
        JsonSerializer.Serialize(plan.Top.Select(Flatten), JsonFormat.Options);

    /// <summary>The contract's fields at the top level of each element, with rank and cluster added.</summary>
    private static Dictionary<string, object?> Flatten(RankedLayout ranked)
    {
        var element = JsonSerializer.SerializeToElement(SimulationJson.From(ranked.Result), JsonFormat.Options);
        var fields = new Dictionary<string, object?>
        {
            ["rank"] = ranked.Rank,
            ["accelerator"] = ranked.Cluster.Accelerator.Key,
            ["nodes"] = ranked.Cluster.Nodes,
            ["devicesPerNode"] = ranked.Cluster.DevicesPerNode,
        };
        foreach (var property in element.EnumerateObject()) fields[property.Name] = property.Value;
        return fields;
    }
}
