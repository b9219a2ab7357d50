package dev.crmbridge.wazzup.emulator;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the emulator from the command line until Ctrl-C.
 *
 * <pre>java -jar emulator/target/wazzup-emulator.jar [--port 9090] [--host 127.0.0.1]
 *     [--api-key KEY] [--no-rate-limit]</pre>
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = 9090;
        String host = "127.0.0.1";
        String apiKey = WazzupEmulator.DEMO_API_KEY;
        boolean rateLimit = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(value(args, ++i));
                case "--host" -> host = value(args, ++i);
                case "--api-key" -> apiKey = value(args, ++i);
                case "--no-rate-limit" -> rateLimit = false;
                case "-h", "--help" -> {
                    usage(System.out);
                    return;
                }
                default -> {
                    System.err.println("unknown option: " + args[i]);
                    usage(System.err);
                    System.exit(2);
                }
            }
        }
        WazzupEmulator emulator = WazzupEmulator.builder().host(host).port(port)
                .options(new EmulatorOptions().rateLimit(rateLimit)).start();
        Account demo = emulator.createAccount(WazzupEmulator.DEMO_ACCOUNT_ID, apiKey);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            emulator.close();
            stopped.countDown();
        }, "wazzup-emulator-shutdown"));
        System.out.println("Wazzup API v3 emulator");
        System.out.println("  base URL:     " + emulator.baseUrl());
        System.out.println("  account:      " + demo.id());
        System.out.println("  API key:      " + demo.apiKey());
        System.out.println("  control:      " + emulator.baseUrl() + WazzupEmulator.CONTROL_PREFIX);
        System.out.println("  rate limit:   " + (rateLimit ? "500 requests / 5 s per key" : "off"));
        System.out.println("Press Ctrl-C to stop.");
        stopped.await();
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            System.err.println("missing value for " + args[i - 1]);
            System.exit(2);
        }
        return args[i];
    }

    private static void usage(PrintStream out) {
        out.println("usage: java -jar wazzup-emulator.jar [--port 9090] [--host 127.0.0.1] [--api-key KEY] [--no-rate-limit]");
    }
}
