using ScalePlanner.Simulator.Costs;
using ScalePlanner.Simulator.Hardware;

namespace ScalePlanner.Tests.Simulator;

public class GroupLinkTests
{
    [Fact]
    public void Should_Charge_Cross_Node_Traffic_When_A_Group_Splits_Unevenly_Over_Nodes()
    {
        // 3 nodes × 8 devices, 6 ranks with stride 2: 4 members in the first node, 2 in the second.
        var cluster = ClusterSpec.Of(AcceleratorCatalog.Get("a100-sxm-80gb"), 3);
        var link = new GroupLink(6, 2, cluster, cluster.Accelerator.DefaultProfile);
        Assert.True(link.CrossesNodes);
        const double bytes = 1e9;
        // No all-reduce moves less than a ring's 2(n−1)/n of the buffer over the group's slowest hop.
        Assert.True(link.AllReduce(bytes) >= 2.0 * 5 / 6 * bytes / link.Bandwidth * 0.999);
    }
}
