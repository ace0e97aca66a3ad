using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Profiles;

namespace ScalePlanner.Simulator.Costs;

/// <summary>
/// The network one communicator sees: <c>Size</c> ranks placed <c>Stride</c> apart in rank order. A group inside one node
/// uses the intra-node tier; a group spanning nodes is bounded by its slowest hop, where the members in one node
/// drive one inter-node link each (NCCL runs one ring channel per NIC), so node bandwidth = members per node × link. A
/// collective of a given size reaches the profile's bus bandwidth at that size (nccl-tests busbw rises with the message).
/// </summary>
public readonly struct GroupLink
{
    public readonly int Size;
    public readonly double Bandwidth;
    public readonly double Alpha;
    public readonly bool CrossesNodes;
    private readonly double pointToPointBandwidth;
    private readonly int perNode;
    private readonly double intraBandwidth, intraAlpha, interBandwidth;
    private readonly EfficiencyCurve? intraBySize, interBySize;

    public GroupLink(int size, int stride, ClusterSpec cluster, DeviceProfile profile)
    {
        Size = size;
        double intra = TierBandwidth(false, cluster, profile);
        double inter = TierBandwidth(true, cluster, profile);
        double intraLatency = TierLatency(false, cluster, profile);
        CrossesNodes = (long)size * stride > cluster.DevicesPerNode;
        intraBandwidth = intra;
        intraAlpha = intraLatency;
        interBandwidth = inter;
        intraBySize = profile.IntraNodeLink is null ? profile.IntraNodeBusBandwidth : null; // a measured alpha–beta link already holds its size dependence
        interBySize = profile.InterNodeLink is null ? profile.InterNodeBusBandwidth : null;
        perNode = 1;
        if (!CrossesNodes)
        {
            Bandwidth = intra;
            Alpha = intraLatency;
            pointToPointBandwidth = intra;
            return;
        }
        perNode = Math.Clamp(cluster.DevicesPerNode / stride, 1, size);
        Bandwidth = perNode > 1 ? Math.Min(intra, perNode * inter) : inter;
        Alpha = TierLatency(true, cluster, profile);
        pointToPointBandwidth = inter; // some neighbour pair sits across nodes, and the pipeline waits for the slowest hop
    }

    /// <summary>The fastest of a flat ring, a double binary tree and (across nodes) the hierarchical scheme, as NCCL picks by size.</summary>
    public double AllReduce(double bytes)
    {
        if (Size <= 1) return 0;
        double bandwidth = Bandwidth * Scale(bytes, CrossesNodes);
        double best = Math.Min(Collectives.RingAllReduce(bytes, Size, bandwidth, Alpha), Collectives.TreeAllReduce(bytes, Size, bandwidth, Alpha));
        if (!CrossesNodes || perNode == 1 || Size % perNode != 0) return best; // the hierarchical scheme needs equal members per node
        // Hierarchical (Jia et al. 2018, §4.2): reduce-scatter inside the node, all-reduce of 1/k across nodes (one link per member), all-gather inside.
        double inNode = 2 * Collectives.RingGather(bytes, perNode, intraBandwidth * Scale(bytes, false), intraAlpha);
        double acrossNodes = Collectives.RingAllReduce(bytes / perNode, Size / perNode, Bandwidth / perNode * Scale(bytes / perNode, true), Alpha);
        return Math.Min(best, inNode + acrossNodes);
    }

    /// <summary>
    /// An all-to-all in which each rank sends <paramref name="bytes"/> in all, an equal share to every member (MoE token dispatch).
    /// Inside a node it is the pairwise exchange on the intra-node link. Across nodes each device's own network link carries the
    /// share bound for other nodes while the intra-node links carry the rest at the same time, so the slower of the two sets the
    /// time (NCCL's all-to-all posts every peer's send and receive at once; one NIC per GPU as in DGX nodes).
    /// </summary>
    public double AllToAll(double bytes)
    {
        if (Size <= 1) return 0;
        if (!CrossesNodes) return Collectives.PairwiseAllToAll(bytes, Size, Bandwidth * Scale(bytes, false), Alpha);
        double offNode = (double)(Size - perNode) / Size * bytes / (interBandwidth * Scale(bytes, true));
        double onNode = (double)(perNode - 1) / Size * bytes / (intraBandwidth * Scale(bytes, false));
        return (Size - 1) * Alpha + Math.Max(offNode, onNode);
    }

    public double AllGather(double bytes) => Collectives.RingGather(bytes, Size, Bandwidth * Scale(bytes, CrossesNodes), Alpha);

    public double ReduceScatter(double bytes) => Collectives.RingGather(bytes, Size, Bandwidth * Scale(bytes, CrossesNodes), Alpha);

    /// <summary>The share of the plateau bus bandwidth a collective of <paramref name="bytes"/> reaches on one tier (1 without a curve).</summary>
    private double Scale(double bytes, bool interNode) =>
        (interNode ? interBySize : intraBySize) is { } curve ? curve.At(bytes * 1e-6) / curve.Max : 1;

    public double PointToPoint(double bytes) => Collectives.PointToPoint(bytes, pointToPointBandwidth, Alpha);

    /// <summary>An all-reduce of <paramref name="bytes"/> in buckets of <paramref name="bucket"/> bytes, one after another (PyTorch DDP, Megatron-LM's grad buffer buckets).</summary>
    public double AllReduceInBuckets(double bytes, double bucket)
    {
        var (whole, rest) = Buckets(bytes, bucket);
        return whole * AllReduce(Math.Min(bytes, bucket)) + (rest > 0 ? AllReduce(rest) : 0);
    }

    /// <summary>A reduce-scatter of <paramref name="bytes"/> in buckets of <paramref name="bucket"/> bytes.</summary>
    public double ReduceScatterInBuckets(double bytes, double bucket)
    {
        var (whole, rest) = Buckets(bytes, bucket);
        return whole * ReduceScatter(Math.Min(bytes, bucket)) + (rest > 0 ? ReduceScatter(rest) : 0);
    }

    /// <summary>An all-gather of <paramref name="bytes"/> in buckets of <paramref name="bucket"/> bytes.</summary>
    public double AllGatherInBuckets(double bytes, double bucket)
    {
        var (whole, rest) = Buckets(bytes, bucket);
        return whole * AllGather(Math.Min(bytes, bucket)) + (rest > 0 ? AllGather(rest) : 0);
    }

    // Whole buckets and the remainder; a buffer smaller than a bucket is one whole (partly filled) bucket.
    private static (double Whole, double Remainder) Buckets(double bytes, double bucket)
    {
        if (bytes <= bucket) return (1, 0);
        double whole = Math.Floor(bytes / bucket);
        return (whole, bytes - whole * bucket);
    }

    /// <summary>All-gathers of <paramref name="bytes"/> split into <paramref name="blocks"/> equal pieces, one per block (FSDP wraps each block).</summary>
    public double BlockwiseAllGather(double bytes, double blocks) => blocks * AllGather(bytes / blocks);

    /// <summary>Reduce-scatters of <paramref name="bytes"/> split into <paramref name="blocks"/> equal pieces, one per block.</summary>
    public double BlockwiseReduceScatter(double bytes, double blocks) => blocks * ReduceScatter(bytes / blocks);

    /// <summary>
    /// Achieved bandwidth of one tier: the link's rate times the profile's collective efficiency on that tier; a measured
    /// alpha–beta of a tier (calibrated profile) replaces that tier's link outright.
    /// </summary>
    public static double TierBandwidth(bool interNode, ClusterSpec cluster, DeviceProfile profile) => interNode
        ? profile.InterNodeLink is { } across ? across.BytesPerSecond : cluster.InterNode.BytesPerSecond * profile.InterNodeLinkEfficiency
        : profile.IntraNodeLink is { } measured ? measured.BytesPerSecond : cluster.IntraNode.BytesPerSecond * profile.IntraNodeLinkEfficiency;

    /// <summary>Per-step latency of one tier (the measured one where the profile has it).</summary>
    public static double TierLatency(bool interNode, ClusterSpec cluster, DeviceProfile profile) => interNode
        ? profile.InterNodeLink?.LatencySeconds ?? cluster.InterNode.LatencySeconds
        : profile.IntraNodeLink?.LatencySeconds ?? cluster.IntraNode.LatencySeconds;

    /// <summary>One message between two devices, on the intra-node tier when they share a node and the inter-node tier otherwise.</summary>
    public static double PointToPoint(double bytes, int fromDevice, int toDevice, ClusterSpec cluster, DeviceProfile profile)
    {
        bool interNode = fromDevice / cluster.DevicesPerNode != toDevice / cluster.DevicesPerNode;
        return Collectives.PointToPoint(bytes, TierBandwidth(interNode, cluster, profile), TierLatency(interNode, cluster, profile));
    }
}
