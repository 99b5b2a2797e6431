public final class LegacyBootstrap {
    public static void main(String[] args) {
        System.setProperty("exchange.api.secret", "y-*LXxhhuIi5+j*g*.eZH");
        Settings.init();
    }
}
