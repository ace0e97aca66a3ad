using ScalePlanner.Simulator.Costs;
using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Tests.Simulator;

/// <summary>
/// Each stack's data-parallel traffic against a hand-worked case: 8 ranks on one node joined by a 100 GB/s link without latency
/// and with full collective efficiency at every message size, memory at 1 TB/s without per-kernel cost, no contention. An all-gather or reduce-scatter
/// of M bytes then takes 7/8 · M / 1e11 s, an all-reduce twice that, a memory pass of B bytes B / 1e12 s.
/// </summary>
public class StackCommunicationTests
{
    private static readonly DeviceProfile Exact = AcceleratorCatalog.Get("a100-sxm-80gb").DefaultProfile with
    {
        MemoryByMegabyte = EfficiencyCurve.Saturating(1, 0), MemoryKernels = null, MemoryTBps = 1, KernelOverheadSeconds = 0,
        IntraNodeLinkEfficiency = 1, InterNodeLinkEfficiency = 1, IntraNodeLink = null, IntraNodeBusBandwidth = null, InterNodeBusBandwidth = null,
    };

    private static readonly ClusterSpec OneNode = ClusterSpec.Of(AcceleratorCatalog.Get("a100-sxm-80gb"), 1) with
    {
        IntraNode = new LinkSpec(100, 0), InterNode = new LinkSpec(10, 0),
    };

    private static readonly KernelTimer Timer = KernelTimer.For(OneNode.Accelerator, Precision.Bf16, Exact);

    private static double Gather(double bytes) => 7.0 / 8 * bytes / 1e11;

    // 1e9 parameters on 4 blocks: 2e9 bytes of bf16 weights, 4e9 bytes of fp32 gradients; compute windows far longer than any transfer.
    private static DataParallelWork Work(string layout, int microBatches = 2) => new(
        Layout.Parse(layout), new PassCost(1, 2, 0, 0, 0, 0, 0), new GroupLink(8, 1, OneNode, Exact), microBatches, 4, 4e9, 2e9, 4, 7);

    [Fact]
    public void Should_Expose_Each_Micro_Batchs_First_Gather_And_Copies_And_The_Last_Reduce_Scatter_With_Fsdp_Full_Shard()
    {
        // Per micro-batch: the first block's all-gather (5e8 bytes) waits; the gathered weights are copied out twice per block
        // (read and write 5e8 bytes: 1 ms) and the fp32 gradients copied in once (1e9 + 5e8 bytes: 1.5 ms), on 4 blocks.
        double copies = 4 * (2 * 1e-3 + 1.5e-3);
        double expected = 2 * (Gather(5e8) + copies) + Gather(1e9);
        Assert.Equal(expected, DataParallelComm.Exposed(Framework.Fsdp, Work("dp=8,zero=3"), 0, Timer), 12);
    }

    [Fact]
    public void Should_Gather_Once_Per_Micro_Batch_With_Fsdp_Shard_Grad_Op_And_Expose_Everything_Without_Overlap()
    {
        // SHARD_GRAD_OP keeps the gathered weights from forward to backward: one gather and one reduce-scatter per block.
        double perMicroBatch = 4 * (Gather(5e8) + Gather(1e9)) + 4 * (1e-3 + 1.5e-3);
        Assert.Equal(2 * perMicroBatch, DataParallelComm.Exposed(Framework.Fsdp, Work("dp=8,zero=2,overlap=off"), 0, Timer), 12);
    }

    [Fact]
    public void Should_All_Reduce_The_Gradient_Shards_Across_Replicas_With_Hybrid_Shard()
    {
        // Two nodes of 4: shards of 4 ranks inside a node at 100 GB/s, two replicas across at 10 GB/s. Without overlap every
        // transfer counts: per block two gathers and a reduce-scatter over 4 ranks (3/4 · M / 1e11) and an all-reduce of the
        // 1e9/4-byte gradient shard over 2 replicas (ring: 2 · 1/2 · M / 1e10), plus the copies.
        var twoNodes = OneNode with { Nodes = 2, DevicesPerNode = 4 };
        var work = Work("dp=8,zero=hybrid,overlap=off", microBatches: 1) with
        {
            Link = new GroupLink(4, 1, twoNodes, Exact), Replicas = new GroupLink(2, 4, twoNodes, Exact),
        };
        double perBlock = 2 * 0.75 * 5e8 / 1e11 + 0.75 * 1e9 / 1e11 + 2 * 0.5 * (1e9 / 4) / 1e10;
        double expected = 4 * perBlock + 4 * (2 * 1e-3 + 1.5e-3);
        Assert.Equal(expected, DataParallelComm.Exposed(Framework.Fsdp, work, 0, Timer), 12);
    }

    [Fact]
    public void Should_Reduce_Every_Micro_Batch_With_DeepSpeed_ZeRO_2_And_Gather_The_Weights_After_The_Step()
    {
        // overlap_comm hides each micro-batch's reduce-scatter behind its backward except the last 5e8-element bucket (here all
        // 1e9 gradient elements fit in two buckets, so the tail is one bucket of 2e9 bytes); the weights' all-gather after the
        // optimizer step is never overlapped.
        double tail = Gather(2e9);
        double expected = 2 * tail + Gather(2e9);
        Assert.Equal(expected, DataParallelComm.Exposed(Framework.DeepSpeed, Work("dp=8,zero=2"), 0, Timer), 12);
        // ZeRO-1 reduces only the last micro-batch's accumulated gradients.
        Assert.Equal(tail + Gather(2e9), DataParallelComm.Exposed(Framework.DeepSpeed, Work("dp=8,zero=1"), 0, Timer), 12);
    }

    [Fact]
    public void Should_Fetch_Module_By_Module_With_DeepSpeed_ZeRO_3()
    {
        // 4 blocks × 7 weight matrices = 28 all-gathers per pass; the first of each micro-batch waits, the rest hide; the last
        // reduce-scatter bucket (5e8 elements of 4 bytes) waits at the end.
        double expected = 2 * Gather(2e9 / 28) + Gather(2e9);
        Assert.Equal(expected, DataParallelComm.Exposed(Framework.DeepSpeed, Work("dp=8,zero=3"), 0, Timer), 12);
    }

    [Fact]
    public void Should_All_Reduce_Without_Overlap_With_DeepSpeed_Data_Parallelism()
    {
        Assert.Equal(2 * Gather(4e9), DataParallelComm.Exposed(Framework.DeepSpeed, Work("dp=8,zero=0"), 0, Timer), 12);
    }

    [Theory]
    [InlineData(Framework.Megatron, Precision.Bf16, 4)]   // Megatron-LM reduces bf16 gradients in fp32
    [InlineData(Framework.Megatron, Precision.Fp16, 2)]
    [InlineData(Framework.Fsdp, Precision.Bf16, 4)]       // torchtitan's reduce_dtype float32
    [InlineData(Framework.DeepSpeed, Precision.Bf16, 2)]  // DeepSpeed reduces in the model's dtype
    [InlineData(Framework.DeepSpeed, Precision.Fp32, 4)]
    public void Should_Reduce_Gradients_In_Each_Stacks_Format(Framework framework, Precision precision, double bytes)
    {
        Assert.Equal(bytes, DataParallelComm.GradientElementBytes(new TrainingSpec { Framework = framework }, precision));
    }
}
