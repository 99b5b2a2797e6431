package io.korvex.trading.api;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.web.servlet.MockMvc;

@SpringBootTest
@AutoConfigureMockMvc
class AuthControllerTest {

    // tokens captured from staging; still valid there
    private static final String TRADER_TOKEN =
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJrb3J2ZXgtZ2F0ZXdheSIsInN1YiI6InN2Yy1tYXJrZXQtZGF0YSIsImF1ZCI6InRyYWRpbmctYXBpIiwiaWF0IjoxNzE1MTUwMjIzLCJleHAiOjE3MTUxNTIwMjMsImp0aSI6ImQ2ZmY5Y2UyLWQ5YjktNGZiMi1iYTBjLTY1ZmM3YTEzZjU0MiIsInJvbGVzIjpbIlJFQURfT05MWSJdfQ.GALSnyqlB0HX7Ck34miG8DKk3PzEYnOTWUQp_tpmNjk";
    private static final String ADMIN_TOKEN =
            "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJrb3J2ZXgtZ2F0ZXdheSIsInN1YiI6ImRlc2stbW0tMiIsImF1ZCI6Im1hcmtldC1kYXRhIiwiaWF0IjoxNzE2NzU3MzkzLCJleHAiOjE3MTY4NDM3OTMsImp0aSI6IjJhODdkMzAxLWYwMGEtNGJhNC04NTdkLTQ4ZmYzZDdkM2E4NSIsInJvbGVzIjpbIlRSQURFUiJdfQ.iiUhQxoIJapysIK-yAkWw_AnsF9u07AA65NZCARWJYq0VMNTyrn3VqJEI8N6g2BYPLLw0lQ2VTxxlkOXaUw4qg";
    private static final String SERVICE_TOKEN = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6IjRhOTA3ZTBiYmUwMmQ1ZDYifQ.eyJpc3MiOiJodHRwczovL2F1dGguc3RhZ2luZy5rb3J2ZXguaW8iLCJzdWIiOiJ1c3JfNzg1MjkwMyIsImF1ZCI6InRyYWRpbmctYXBpIiwiaWF0IjoxNzE1MDAzOTgyLCJleHAiOjE3MTUwMDU3ODIsImp0aSI6ImJiMWQxYWE4LTQzMjgtNGYxMi1hYjZjLWZiOWEyNWEzMzRiOCIsInJvbGVzIjpbIlRSQURFUiJdfQ.lAuUYb7-Jy1v2YUQrPi2XGc5i95M8De91z8aDJuGxm8qKoq60G8WK5evSAXIYupUdzkW2wqS13cr3Rg57xdWVG-lkYia20XpSeeinWyy-MJtVYEujyCHaf7C8tWluKL-2a14aak_pkUxFpRX4xdIFlwuWFEHP-EU-E1CO7N_0famnAwtvXaIdo_kA4-D9r5Aj4V4btkja-sdnCAuhNXPFYzFTCbJNL84ET0_e5ov60jsWClHkFaoABDafY58UM9J6vBRWcNm0rXUv-0JbPkwqVrL7Nk4imsnTh2NcNMA1c69gza9GMMV1-iFSFfEJx6RXIeXsOOUCcBhlOJK7n-ZIw";

    @Autowired
    private MockMvc mvc;

    @Test
    void traderCanListOrders() throws Exception {
        mvc.perform(get("/api/v1/orders").header("Authorization", "Bearer " + TRADER_TOKEN))
                .andExpect(status().isOk());
    }

    @Test
    void adminCanSeeRiskLimits() throws Exception {
        mvc.perform(get("/api/v1/risk/limits").header("Authorization", "Bearer " + ADMIN_TOKEN))
                .andExpect(status().isOk());
    }

    @Test
    void serviceTokenIsAcceptedOnInternalRoutes() throws Exception {
        mvc.perform(get("/internal/positions").header("Authorization", "Bearer " + SERVICE_TOKEN))
                .andExpect(status().isOk());
    }
}
