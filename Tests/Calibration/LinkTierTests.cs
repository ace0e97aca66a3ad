using ScalePlanner.Calibration.Collectives;
using ScalePlanner.Simulator.Costs;
using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Profiles;

namespace ScalePlanner.Tests.Calibration;

/// <summary>`calibrate --hostfile`'s two link tiers: fitted apart, carried by the profile, and priced by the cost model.</summary>
public class LinkTierTests
{
    /// <summary>Ring all-reduce times on 2 ranks, 2α + M/B (Patarasuk &amp; Yuan 2009, with n = 2), over 4 KiB … 16 MiB.</summary>
    private static IEnumerable<CollectiveMeasurement> AllReduces(double alpha, double bytesPerSecond, bool interNode) =>
        Enumerable.Range(0, 7).Select(i => 4096L << (2 * i)).Select(bytes =>
        {
            double seconds = 2 * alpha + bytes / bytesPerSecond;
            return new CollectiveMeasurement(nameof(CollectiveKind.AllReduce), bytes, 2, new TimingStats(seconds, seconds, seconds, 5), interNode);
        });

    [Fact]
    public void Should_Fit_One_Link_Per_Tier_From_Measurements_Taken_Together()
    {
        var links = AlphaBeta.Fit([.. AllReduces(3e-6, 4e9, interNode: false), .. AllReduces(80e-6, 25e6, interNode: true)]);
        Assert.Equal(2, links.Count);
        var inside = Assert.Single(links, l => !l.InterNode);
        var across = Assert.Single(links, l => l.InterNode);
        Assert.Equal(4, inside.Spec.GBps, 0.04);
        Assert.Equal(0.025, across.Spec.GBps, 0.00025);
        Assert.Equal(80e-6, across.Spec.LatencySeconds, 8e-6);
        Assert.Equal("inter-node AllReduce (2 ranks)", across.Name);
    }

    [Fact]
    public void Should_Take_The_Cross_Node_Bandwidth_From_Large_Messages_When_Small_Ones_Jitter()
    {
        // Medians measured by `calibrate --quick --ranks 4 --hostfile` on two emulated machines × 2 ranks at 200 Mbit/s, with the
        // 2-core machine at load 30 (2026-12-03): each device's share of the link is 16 MiB / 1.4145 s = 11.9 MB/s, while the
        // small messages waited milliseconds for a core.
        (long Bytes, double Seconds)[] medians = [(4096, 4.049e-3), (65536, 0.419e-3), (1048576, 67.625e-3), (4194304, 339.944e-3), (16777216, 1414.533e-3)];
        var measured = medians.Select(m => new CollectiveMeasurement(nameof(CollectiveKind.AllReduce), m.Bytes, 2, new TimingStats(m.Seconds, m.Seconds, m.Seconds, 5), InterNode: true)).ToList();
        var across = Assert.Single(AlphaBeta.Fit(measured));
        Assert.Equal(0.0119, across.Spec.GBps, 0.0119 * 0.05);
        // One relative least-squares line through every size lets the jittery small messages set the slope (29 MB/s then).
        var line = ScalePlanner.Calibration.Fitting.LineFit.Fit([.. medians.Select(m => ((double)m.Bytes, m.Seconds))]);
        Assert.True(line.BytesPerSecond / 1e9 > 1.5 * across.Spec.GBps, $"the single line gave {line.BytesPerSecond / 1e9:G3} GB/s");
    }

    [Fact]
    public void Should_Price_A_Cross_Node_All_Reduce_With_The_Measured_Inter_Node_Link()
    {
        var cpu = AcceleratorCatalog.Get("cpu");
        var cluster = new ClusterSpec(cpu, 2, 1, cpu.IntraNode, cpu.InterNode, 0);
        var measured = new LinkSpec(0.025, 80e-6);
        var profile = cpu.DefaultProfile with { InterNodeLink = measured };
        var link = new GroupLink(2, 1, cluster, profile);
        Assert.True(link.CrossesNodes);
        const double bytes = 16e6;
        Assert.Equal(Collectives.RingAllReduce(bytes, 2, measured.BytesPerSecond, measured.LatencySeconds), link.AllReduce(bytes), 1e-9);
        // Without the measurement the catalog's link times the profile's efficiency prices it: a different figure.
        Assert.NotEqual(link.AllReduce(bytes), new GroupLink(2, 1, cluster, cpu.DefaultProfile).AllReduce(bytes), 1e-3);
        Assert.Equal(Collectives.PointToPoint(bytes, measured.BytesPerSecond, measured.LatencySeconds), GroupLink.PointToPoint(bytes, 0, 1, cluster, profile), 1e-9);
    }

    [Fact]
    public void Should_Keep_The_Inter_Node_Link_Through_The_Profile_File_And_Offer_It_As_Cluster_Keys()
    {
        var profile = AcceleratorCatalog.Get("cpu").DefaultProfile with { IntraNodeLink = new LinkSpec(4.5, 3e-6), InterNodeLink = new LinkSpec(0.0231, 7.5e-5) };
        var read = DeviceProfileJson.Deserialize(DeviceProfileJson.Serialize(profile), "test");
        Assert.Equal(profile.InterNodeLink, read.InterNodeLink);
        Assert.Equal("measured links as a scenario's cluster keys: \"intraNodeGBps\": 4.5, \"intraNodeLatencyUs\": 3, \"interNodeGBps\": 0.0231, \"interNodeLatencyUs\": 75", ClusterLinks.Describe(read));
        Assert.Null(ClusterLinks.Describe(profile with { InterNodeLink = null }));
        var bad = DeviceProfileJson.Serialize(profile).Replace("\"latencySeconds\": 7.5E-05", "\"latencySeconds\": -1", StringComparison.Ordinal);
        Assert.NotEqual(DeviceProfileJson.Serialize(profile), bad);
        Assert.StartsWith("profile.interNodeLink.LatencySeconds", Assert.Throws<ScalePlanner.Simulator.Specs.SpecException>(() => DeviceProfileJson.Deserialize(bad, "test")).Message);
    }
}
