using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Tests.Simulator;

public class SimulatorBehaviourTests
{
    private static readonly ScalePlanner.Simulator.Simulation.TrainingJob Gpt3 = Jobs.Of("gpt3-175b", "a100-sxm-80gb", 128, 1536);

    [Fact]
    public void Should_Add_Step_Time_Parts_Up_To_The_Step_Time()
    {
        var r = Jobs.Run(Gpt3, "dp=16,tp=8,pp=8,mb=1,recompute=full");
        Assert.Equal(r.StepTimeSeconds, r.Time.Total, 9);
        Assert.All(new[] { r.Time.Compute, r.Time.Recompute, r.Time.PipelineBubble, r.Time.TensorParallelComm, r.Time.DataParallelCommExposed, r.Time.PipelineComm, r.Time.OptimizerStep },
            part => Assert.True(part > 0));
    }

    [Fact]
    public void Should_Shrink_Model_State_Memory_With_Each_ZeRO_Stage()
    {
        double[] memory = [.. Enumerable.Range(0, 4).Select(z => Jobs.Run(Gpt3, $"dp=16,tp=8,pp=8,zero={z}").Memory)
            .Select(m => m.Weights + m.Gradients + m.OptimizerStates)];
        for (int z = 1; z < 4; z++) Assert.True(memory[z] < memory[z - 1], $"stage {z} should hold less than stage {z - 1}");
    }

    [Fact]
    public void Should_Trade_Activation_Memory_For_Time_With_Recomputation()
    {
        var job = Jobs.Of("gpt3-175b", "a100-sxm-80gb", 128, 1536, flash: false);
        var none = Jobs.Run(job, "dp=16,tp=8,pp=8,recompute=none");
        var selective = Jobs.Run(job, "dp=16,tp=8,pp=8,recompute=selective");
        var full = Jobs.Run(job, "dp=16,tp=8,pp=8,recompute=full");
        Assert.True(none.Memory.Activations > selective.Memory.Activations && selective.Memory.Activations > full.Memory.Activations);
        Assert.True(none.StepTimeSeconds < selective.StepTimeSeconds && selective.StepTimeSeconds < full.StepTimeSeconds);
        Assert.Equal(none.ModelTflopsPerGpu * none.StepTimeSeconds, full.ModelTflopsPerGpu * full.StepTimeSeconds, 6);
        Assert.True(full.HardwareTflopsPerGpu > full.ModelTflopsPerGpu);
    }

    [Fact]
    public void Should_Count_Hardware_Flops_As_Megatron_Equation_3()
    {
        // F = 96·B·s·l·h²·(1 + s/(6h) + V/(16·l·h)) with full recomputation (Narayanan et al. SC21, eq. 3); without it 72 in place of 96 and 12 of 16.
        var job = Jobs.Of("megatron-18b", "a100-sxm-80gb", 32, 1024, flash: false);
        var m = job.Model;
        double B = 1024, s = m.SequenceLength, l = m.Layers, h = m.Hidden, V = m.Vocab;
        var full = Jobs.Run(job, "dp=32,tp=8,mb=8,recompute=full,precision=fp16");
        Assert.Equal(96 * B * s * l * h * h * (1 + s / (6 * h) + V / (16 * l * h)), full.HardwareFlopsPerStep, 1e-9 * full.HardwareFlopsPerStep);
        Assert.Equal(72 * B * s * l * h * h * (1 + s / (6 * h) + V / (12 * l * h)), full.ModelFlopsPerStep, 1e-9 * full.ModelFlopsPerStep);
    }

    [Fact]
    public void Should_Match_Korthikanti_Activation_Formula_For_Gpt_In_Half_Precision()
    {
        // sbh(34 + 5as/h) per layer (Korthikanti et al. 2022, eq. 1) for tp = 1, and sbh(10 + 24/t + 5as/(ht)) with tp (eq. 2).
        var model = ModelPresets.Get("gpt3-175b");
        foreach (int tp in new[] { 1, 8 })
        {
            var layout = new ScalePlanner.Simulator.Layouts.Layout { Tp = tp, MicroBatch = 2, Precision = Precision.Fp16 };
            double s = model.SequenceLength, b = 2, h = model.Hidden, a = model.Heads;
            double expected = s * b * h * (10 + 24.0 / tp + 5 * a * s / (h * tp));
            Assert.Equal(expected, ScalePlanner.Simulator.Costs.ActivationMemory.PerBlock(model, layout, flashAttention: false), 0);
        }
    }

    [Theory]
    [InlineData(4, 8)]
    [InlineData(8, 24)]
    [InlineData(16, 96)]
    public void Should_Give_A_Bubble_Of_P_Minus_One_Over_M_Of_The_Ideal_Time(int pp, int microBatches)
    {
        int dp = 512 / pp / 8;
        var r = Jobs.Run(Jobs.Of("gpt3-175b", "a100-sxm-80gb", 64, dp * microBatches), $"dp={dp},tp=8,pp={pp}");
        Assert.Equal(microBatches, r.MicroBatches);
        double perMicroBatch = (r.Time.Compute + r.Time.Recompute + r.Time.TensorParallelComm) / microBatches;
        // The bubble uses the mean stage, the steady state the slowest (the last holds the output layer): within a few per cent.
        Assert.InRange(r.Time.PipelineBubble / (perMicroBatch * (pp - 1)), 0.9, 1.0);
    }

    [Fact]
    public void Should_Report_Too_Big_When_The_Model_Exceeds_Device_Memory()
    {
        var r = Jobs.Run(Jobs.Of("llama3-70b", "a100-sxm-80gb", 1, 8), "dp=8,mb=1");
        Assert.False(r.Fits);
        Assert.True(r.MemoryPerGpuBytes > r.MemoryCapacityBytes);
        Assert.True(Jobs.Run(Jobs.Of("llama3-70b", "a100-sxm-80gb", 1, 8), "dp=1,tp=8,mb=1").MemoryPerGpuBytes < r.MemoryPerGpuBytes);
    }

    [Fact]
    public void Should_Price_Device_Hours_At_The_Cluster_Price()
    {
        var r = Jobs.Run(Gpt3, "dp=16,tp=8,pp=8");
        Assert.Equal(r.TimeToTrainSeconds * 1024 / 3600, r.DeviceHours, 6);
        Assert.Equal(r.DeviceHours * AcceleratorCatalog.Get("a100-sxm-80gb").PricePerHour, r.CostDollars!.Value, 3);
        Assert.Equal(1e11 / (1536.0 * 2048), r.Steps, 6);
    }

    [Fact]
    public void Should_Expose_Less_Data_Parallel_Communication_With_Overlap_And_Less_With_Compression()
    {
        var job = Jobs.Of("llama2-7b", "a100-sxm-80gb", 8, 512);
        var off = Jobs.Run(job, "dp=64,mb=1,overlap=off,precision=fp32");
        var on = Jobs.Run(job, "dp=64,mb=1,overlap=on,precision=fp32");
        var bf16 = Jobs.Run(job, "dp=64,mb=1,overlap=off,precision=fp32,compress=bf16");
        var powerSgd = Jobs.Run(job, "dp=64,mb=1,overlap=off,precision=fp32,compress=powersgd:4");
        Assert.True(on.Time.DataParallelCommExposed < off.Time.DataParallelCommExposed);
        Assert.True(bf16.Time.DataParallelCommExposed < off.Time.DataParallelCommExposed);
        Assert.True(powerSgd.Time.DataParallelCommExposed < bf16.Time.DataParallelCommExposed);
    }

    [Fact]
    public void Should_Keep_Adafactor_State_Far_Below_Adam()
    {
        var job = Jobs.Of("llama2-7b", "a100-sxm-80gb", 1, 64);
        var adam = Jobs.Run(job, "dp=8,precision=fp32,optimizer=adam").Memory.OptimizerStates;
        var adafactor = Jobs.Run(job, "dp=8,precision=fp32,optimizer=adafactor").Memory.OptimizerStates;
        var sgd = Jobs.Run(job, "dp=8,precision=fp32,optimizer=sgd").Memory.OptimizerStates;
        Assert.Equal(adam / 2, sgd, 0);
        Assert.True(adafactor < adam / 100);
    }

    [Fact]
    public void Should_Reject_A_Precision_The_Accelerator_Lacks()
    {
        var ex = Assert.Throws<SpecException>(() => Jobs.Run(Jobs.Of("gpt2-small", "a100-sxm-80gb", 1, 8), "dp=8,precision=fp8"));
        Assert.Equal("layout.precision", ex.Field);
    }
}
