package io.replicarouter.sample.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.mock.web.MockHttpServletRequest;

class DashboardControllerTest {

    @ParameterizedTest
    @CsvSource({
        "127.0.0.1, true",
        "127.0.0.2, true",
        "::1, true",
        "0:0:0:0:0:0:0:1, true",
        "10.0.0.5, false",
        "192.168.1.20, false",
        "2001:db8::1, false",
    })
    void controlsAnswerLoopbackOnly(String remote, boolean allowed) {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.setRemoteAddr(remote);
        assertThat(DashboardController.fromLoopback(request)).isEqualTo(allowed);
    }
}
