using ScalePlanner.Calibration.Measurement;

namespace ScalePlanner.Tests.Calibration;

/// <summary>Timing commands say when other work shared the cores: a load average above the core count, or CPU steal.</summary>
public class MachineLoadTests
{
    [Theory]
    [InlineData(2.5, 2, 0.0, true)]    // more runnable work than cores
    [InlineData(1.0, 2, 0.12, true)]   // the hypervisor took 12 % of the CPU time
    [InlineData(1.9, 2, 0.01, false)]
    public void Should_Call_The_Machine_Busy_Above_The_Core_Count_Or_With_Steal(double load, int cores, double steal, bool busy)
    {
        var sample = new MachineLoad(load, cores, steal);
        Assert.Equal(busy, sample.Busy);
        Assert.Contains("its timings are unreliable", sample.Warning("calibrate"));
        Assert.Contains($"on {cores} cores", sample.Warning("calibrate"));
    }

    [Fact]
    public void Should_Read_This_Machines_Counters()
    {
        var start = MachineLoad.Read();
        Assert.NotNull(start);   // Linux: /proc/stat
        var load = MachineLoad.Since(start);
        Assert.NotNull(load);
        // The machine's cores (/proc/cpuinfo counts them too), whatever this process's affinity: a rank bound to one core by mpirun
        // sees Environment.ProcessorCount = 1 while its partner's load counts against the whole machine.
        Assert.Equal(File.ReadLines("/proc/cpuinfo").Count(l => l.StartsWith("processor", StringComparison.Ordinal)), load!.Cores);
        Assert.True(load.Cores >= Environment.ProcessorCount);
        Assert.InRange(load.StealFraction, 0, 1);
        Assert.True(load.LoadAverage >= 0);
    }
}
