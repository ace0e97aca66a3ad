using ScalePlanner.Planner.Scenarios;
using ScalePlanner.Simulator.Plans;
using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.Search;

/// <summary>
/// Strong and weak scaling of a scenario's first cluster option: the search's best layout at device counts from an eighth
/// to four times the cluster's (doubling), with the global batch fixed (strong) or grown with the devices (weak). A count is
/// left out when nothing fits there or when nothing can finish there.
/// </summary>
public static class ScalingSweep
{
    /// <summary>Powers of two around the scenario's device count: 1/8, 1/4, 1/2, 1, 2, 4 times it.</summary>
    private static readonly double[] Factors = [0.125, 0.25, 0.5, 1, 2, 4];

    public static IReadOnlyList<ScalingPoint> Run(Scenario scenario, DeviceProfile? profile)
    {
        var points = new List<ScalingPoint>();
        // Strong and weak scaling meet at factor 1 (same devices, same batch): each (devices, batch) is searched once.
        var searched = new Dictionary<(int Devices, int Batch), RankedLayout?>();
        foreach (var mode in new[] { ScalingMode.Strong, ScalingMode.Weak })
        {
            var found = new List<(int Devices, int Batch, string Layout, double TokensPerSecond)>();
            foreach (double factor in Factors)
            {
                if (Variant(scenario, factor, mode) is not { } variant) continue;
                var key = (variant.Clusters[0].Devices, variant.Training.GlobalBatchSize);
                if (!searched.TryGetValue(key, out var best)) searched[key] = best = Best(variant, profile);
                if (best is null) continue;
                found.Add((best.Cluster.Devices, variant.Training.GlobalBatchSize, best.Result.Layout.ToString(), best.Result.TokensPerSecond));
            }
            if (found.Count == 0) continue;
            double baseline = found[0].TokensPerSecond / found[0].Devices;
            points.AddRange(found.Select(f => new ScalingPoint(mode, f.Devices, f.Batch, f.Layout, f.TokensPerSecond, f.TokensPerSecond / f.Devices / baseline)));
        }
        return points;
    }

    /// <summary>The best layout of a variant; null when nothing fits, or when no layout can finish (<see cref="ResultCheck"/>: failures come faster than the larger cluster recovers).</summary>
    private static RankedLayout? Best(Scenario variant, DeviceProfile? profile)
    {
        try
        {
            return PlanSearch.Run(variant, 1, profile).Top.FirstOrDefault();
        }
        catch (SpecException)
        {
            return null;
        }
    }

    /// <summary>The scenario on factor × its first cluster's devices (whole nodes, or part of one node), or null when that count is not a whole number of devices or the batch does not scale to a whole number.</summary>
    private static Scenario? Variant(Scenario scenario, double factor, ScalingMode mode)
    {
        var cluster = scenario.Clusters[0];
        double devices = cluster.Devices * factor;
        if (devices < 1 || devices != Math.Floor(devices)) return null;
        int n = (int)devices;
        var resized = n >= cluster.DevicesPerNode
            ? n % cluster.DevicesPerNode == 0 ? cluster with { Nodes = n / cluster.DevicesPerNode } : null
            : cluster with { Nodes = 1, DevicesPerNode = n };
        if (resized is null) return null;
        var training = scenario.Training;
        if (mode == ScalingMode.Weak)
        {
            double batch = training.GlobalBatchSize * factor;
            if (batch < 1 || batch != Math.Floor(batch)) return null;
            training = training with { GlobalBatchSize = (int)batch };
        }
        return scenario with { Clusters = [resized], Training = training };
    }
}
