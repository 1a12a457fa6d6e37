mod QRModeTest;
mod QRVersionTest;

mod QRFormatInformationTest;

mod QRErrorCorrectionLevelTest;

mod QRDecodedBitStreamParserTest;

mod QRDataMaskTest;

mod QRBitMatrixParserTest;

mod MQRDecoderTest;

mod RMQRDecoderTest;
