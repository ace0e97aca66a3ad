using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Profiles;

namespace ScalePlanner.Simulator.Costs;

/// <summary>
/// The network one communicator sees: <c>Size</c> ranks placed <c>Stride</c> apart in rank order. A group inside one node
/// uses the intra-node tier; a group spanning nodes is bounded by its slowest hop, where the members in one node
/// drive one inter-node link each (NCCL runs one ring channel per NIC), so node bandwidth = members per node × link.
/// </summary>
public readonly struct GroupLink
{
    public readonly int Size;
    public readonly double Bandwidth;
    public readonly double Alpha;
    public readonly bool CrossesNodes;
    private readonly double pointToPointBandwidth;

    public GroupLink(int size, int stride, ClusterSpec cluster, DeviceProfile profile)
    {
        Size = size;
        double intra = cluster.IntraNode.BytesPerSecond * profile.IntraNodeLinkEfficiency;
        double inter = cluster.InterNode.BytesPerSecond * profile.InterNodeLinkEfficiency;
        CrossesNodes = (long)size * stride > cluster.DevicesPerNode;
        if (!CrossesNodes)
        {
            Bandwidth = intra;
            Alpha = cluster.IntraNode.LatencySeconds;
            pointToPointBandwidth = intra;
            return;
        }
        int perNode = Math.Clamp(cluster.DevicesPerNode / stride, 1, size);
        Bandwidth = perNode > 1 ? Math.Min(intra, perNode * inter) : inter;
        Alpha = cluster.InterNode.LatencySeconds;
        pointToPointBandwidth = inter; // some neighbour pair sits across nodes, and the pipeline waits for the slowest hop
    }

    public double AllReduce(double bytes) =>
        Size <= 1 ? 0 : Math.Min(Collectives.RingAllReduce(bytes, Size, Bandwidth, Alpha), Collectives.TreeAllReduce(bytes, Size, Bandwidth, Alpha));

    public double AllGather(double bytes) => Collectives.RingGather(bytes, Size, Bandwidth, Alpha);

    public double ReduceScatter(double bytes) => Collectives.RingGather(bytes, Size, Bandwidth, Alpha);

    public double PointToPoint(double bytes) => Collectives.PointToPoint(bytes, pointToPointBandwidth, Alpha);
}
