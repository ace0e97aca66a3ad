using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Hardware;

/// <summary>Nodes × devices per node, with a fast intra-node tier (NVLink, xGMI, ICI) and a slower inter-node tier.</summary>
public sealed record ClusterSpec(AcceleratorSpec Accelerator, int Nodes, int DevicesPerNode, LinkSpec IntraNode, LinkSpec InterNode, double PricePerDeviceHour)
{
    public int Devices => Nodes * DevicesPerNode;

    public ReliabilitySpec Reliability { get; init; } = ReliabilitySpec.Default;

    public ClusterSpec Validated()
    {
        Guard.Positive("cluster.nodes", Nodes);
        Guard.Positive("cluster.devicesPerNode", DevicesPerNode);
        IntraNode.Validated("cluster.intraNode");
        InterNode.Validated("cluster.interNode");
        Guard.NonNegative("cluster.pricePerDeviceHour", PricePerDeviceHour);
        Reliability.Validated();
        return this;
    }

    /// <summary>A cluster of the catalog's defaults for this accelerator.</summary>
    public static ClusterSpec Of(AcceleratorSpec accelerator, int nodes) =>
        new(accelerator, nodes, accelerator.DefaultDevicesPerNode, accelerator.IntraNode, accelerator.InterNode, accelerator.PricePerHour);
}
