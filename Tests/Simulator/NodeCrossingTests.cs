using ScalePlanner.Simulator.Costs;
using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Layouts;

namespace ScalePlanner.Tests.Simulator;

/// <summary>Which communicator groups leave the node, as the execute report's inter-node row sums them.</summary>
public class NodeCrossingTests
{
    private static NodeCrossing Of(string layout, int devicesPerNode)
    {
        var cpu = AcceleratorCatalog.Get("cpu");
        var parsed = Layout.Parse(layout);
        return NodeCrossing.Of(parsed, new ClusterSpec(cpu, parsed.Devices / devicesPerNode, devicesPerNode, cpu.IntraNode, cpu.InterNode, 0));
    }

    [Theory]
    [InlineData("dp=2", 1, false, true, false)]
    [InlineData("dp=2,tp=2", 2, false, true, false)]    // the tp pair shares a node, its replica is on the other
    [InlineData("dp=2,tp=2", 4, false, false, false)]   // one node holds all four
    [InlineData("pp=2", 1, false, false, true)]
    [InlineData("tp=4", 2, true, false, false)]
    [InlineData("dp=2,pp=2", 2, false, false, true)]    // each stage's replicas share a node; the stages do not
    public void Should_Find_The_Groups_That_Span_Nodes(string layout, int devicesPerNode, bool tensor, bool data, bool pipeline) =>
        Assert.Equal(new NodeCrossing(tensor, data, pipeline), Of(layout, devicesPerNode));
}
