using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Timeline;

/// <summary>A device or a node that runs its kernels <c>Factor</c> times slower than nominal (a straggler, a throttled node).</summary>
public readonly record struct Slowdown(int Index, double Factor);

/// <summary>What the event simulation is asked for beyond the layout: gradient bucket size, slow devices or nodes, and whether to keep every event.</summary>
public sealed record TimelineOptions
{
    /// <summary>Largest slowdown accepted: a device 100× slower is a failed device, which the failure model covers.</summary>
    public const double MaxSlowdown = 100;

    public double BucketBytes { get; init; } = StepModel.BucketBytes;
    public IReadOnlyList<Slowdown> SlowDevices { get; init; } = [];
    public IReadOnlyList<Slowdown> SlowNodes { get; init; } = [];
    public bool RecordEvents { get; init; }

    public TimelineOptions Validated(ClusterSpec cluster)
    {
        Guard.Positive("timeline.bucketBytes", BucketBytes);
        foreach (var (device, factor) in SlowDevices) Check("--straggler", "device", device, cluster.Devices, factor);
        foreach (var (node, factor) in SlowNodes) Check("--slow-node", "node", node, cluster.Nodes, factor);
        return this;
    }

    /// <summary>Each device's slowdown: the largest of its own and its node's, 1 when neither is slow.</summary>
    public double[] DeviceFactors(ClusterSpec cluster)
    {
        var factors = new double[cluster.Devices];
        Array.Fill(factors, 1.0);
        foreach (var (node, factor) in SlowNodes)
            for (int d = node * cluster.DevicesPerNode; d < (node + 1) * cluster.DevicesPerNode; d++) factors[d] = Math.Max(factors[d], factor);
        foreach (var (device, factor) in SlowDevices) factors[device] = Math.Max(factors[device], factor);
        return factors;
    }

    private static void Check(string field, string what, int index, int count, double factor)
    {
        if (index < 0 || index >= count) throw new SpecException(field, $"{what} {index} does not exist; {what}s are numbered 0 to {count - 1}");
        if (!(factor >= 1 && factor <= MaxSlowdown)) throw new SpecException(field, $"slowdown of {what} {index} must be between 1 and {MaxSlowdown:0}, got {factor}");
    }
}
