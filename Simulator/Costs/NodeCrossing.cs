using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Layouts;

namespace ScalePlanner.Simulator.Costs;

/// <summary>
/// Which of a layout's communicator groups span more than one node, by <see cref="GroupLink"/>'s rule (a group of Size ranks
/// placed Stride apart leaves the node when Size × Stride exceeds its devices) with Megatron-LM's rank order, tp innermost,
/// then cp, dp, pp: the tensor group has stride 1, the data group stride tp·cp, the pipeline group stride tp·cp·dp.
/// </summary>
public readonly record struct NodeCrossing(bool Tensor, bool Data, bool Pipeline)
{
    public static NodeCrossing Of(Layout layout, ClusterSpec cluster)
    {
        long perNode = cluster.DevicesPerNode;
        long replica = (long)layout.Tp * layout.Cp;
        return new(
            layout.Tp > 1 && layout.Tp > perNode,
            layout.Dp > 1 && replica * layout.Dp > perNode,
            layout.Pp > 1 && replica * layout.Dp * layout.Pp > perNode);
    }

    public bool Any => Tensor || Data || Pipeline;
}
