using System.Reflection;
using System.Reflection.Emit;
using CloudLifecycle.Core.Lifecycle;

namespace CloudLifecycle.Core.Tests;

/// <summary>
/// The domain (CloudLifecycle.Domain) decides from its inputs alone: it may reference NodaTime and the
/// base library, and no method body in it may read a clock, draw a random number, start work on
/// another thread or touch files, sockets or the environment. Checked on the compiled IL, so a
/// forbidden call anywhere (a lambda, a local function, a property getter) fails this test.
/// </summary>
public class DomainPurityTests
{
    private static readonly Assembly Domain = typeof(LifecycleDecider).Assembly;

    /// <summary>Members that read the world outside the inputs, by declaring type; null forbids the whole type.</summary>
    private static readonly Dictionary<string, string[]?> Forbidden = new(StringComparer.Ordinal)
    {
        ["System.DateTime"] = ["get_Now", "get_UtcNow", "get_Today"],
        ["System.DateTimeOffset"] = ["get_Now", "get_UtcNow"],
        ["System.Environment"] = ["get_TickCount", "get_TickCount64", "GetEnvironmentVariable", "GetEnvironmentVariables", "get_MachineName", "get_CurrentDirectory"],
        ["System.Guid"] = ["NewGuid", "CreateVersion7"],
        ["System.TimeProvider"] = null,
        ["System.Random"] = null,
        ["System.Security.Cryptography.RandomNumberGenerator"] = null,
        ["System.Diagnostics.Stopwatch"] = null,
        ["System.Diagnostics.Process"] = null,
        ["System.Threading.Thread"] = null,
        ["System.Threading.ThreadPool"] = null,
        ["System.Threading.Timer"] = null,
        ["System.Threading.Tasks.Task"] = ["Run", "Delay", "get_Factory"],
        ["System.IO.File"] = null,
        ["System.IO.Directory"] = null,
        ["System.IO.FileStream"] = null,
        ["System.Console"] = null,
        ["System.Net.Http.HttpClient"] = null,
        ["NodaTime.SystemClock"] = null,
        ["NodaTime.DateTimeZoneProviders"] = ["get_Bcl"],
    };

    [Fact]
    public void Domain_ReferencesNodaTimeAndTheBaseLibraryOnly()
    {
        var references = Domain.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.All(references, name => Assert.True(
            name == "NodaTime" || name == "netstandard" || name.StartsWith("System", StringComparison.Ordinal),
            $"the domain references {name}"));
    }

    [Fact]
    public void NoMethodOfTheDomain_ReadsAClockARandomSourceOrTheWorld()
    {
        var offences = new List<string>();
        var scanned = 0;
        foreach (var type in Domain.GetTypes())
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly).Cast<MethodBase>()
                .Concat(type.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)))
            {
                scanned++;
                offences.AddRange(CalledMembers(method).Where(IsForbidden).Select(m => $"{type.FullName}.{method.Name} uses {m.DeclaringType?.FullName}.{m.Name}"));
            }
        }

        Assert.True(scanned > 500, $"only {scanned} methods scanned");
        Assert.Empty(offences);
    }

    [Fact]
    public void TheScanner_FindsAClockReadWhereThereIsOne()
    {
        var method = typeof(DomainPurityTests).GetMethod(nameof(ReadsTheClock), BindingFlags.NonPublic | BindingFlags.Static)!;

        Assert.Contains(CalledMembers(method), IsForbidden);
    }

    private static DateTime ReadsTheClock() => DateTime.UtcNow;

    private static bool IsForbidden(MemberInfo member) =>
        member.DeclaringType?.FullName is { } type
        && Forbidden.TryGetValue(type, out var names)
        && (names is null || names.Contains(member.Name));

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>The methods, fields and types a method body refers to, read from its IL.</summary>
    internal static IEnumerable<MemberInfo> CalledMembers(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
        {
            yield break;
        }

        var position = 0;
        while (position < il.Length)
        {
            short value = il[position++];
            if (value == 0xFE)
            {
                value = unchecked((short)(0xFE00 | il[position++]));
            }

            var opCode = OpCodesByValue[value];
            switch (opCode.OperandType)
            {
                case OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineTok or OperandType.InlineType:
                    var token = BitConverter.ToInt32(il, position);
                    position += 4;
                    if (Resolve(method, token) is { } member)
                    {
                        yield return member;
                    }

                    break;
                case OperandType.InlineSwitch:
                    position += 4 + (BitConverter.ToInt32(il, position) * 4);
                    break;
                default:
                    position += OperandSize(opCode.OperandType);
                    break;
            }
        }
    }

    private static MemberInfo? Resolve(MethodBase method, int token)
    {
        try
        {
            return method.Module.ResolveMember(token,
                method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null,
                method.IsGenericMethod ? method.GetGenericArguments() : null);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static int OperandSize(OperandType type) => type switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        _ => 4,
    };
}
